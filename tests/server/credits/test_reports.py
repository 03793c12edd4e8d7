"""The credit bank's report table: outcomes by course, village and age band, certificates
issued and attestations waiting, scoped like every report, in CSV and XLSX."""

from __future__ import annotations

import csv
import io

from xuedian.core.timeutil import utcnow
from xuedian.credits.certify import accounts_for
from xuedian.credits.definitions import ensure_defaults
from xuedian.credits.issuing import settle
from xuedian.credits.models import Attestation, OutcomeDefinition
from xuedian.extensions import db

from ..reports.helpers import Learner, make_org, sign_in
from .helpers import publish


def _rows(client) -> list[list[str]]:
    response = client.get("/staff/reports/export/credits.csv?lang=en")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_reports_credits_table_is_scoped(app, client):
    ids = make_org(app)
    publish(app, lessons=("01-a",), hours=2.5, pack="xuedian-welcome")
    with app.app_context():
        ensure_defaults()
        db.session.commit()
    for point, band, village in (("p1a", "60-69", "东庄"), ("p1b", "70+", "西庄")):
        learner = Learner(client, point)
        profile = {"learner": learner.learner, "age_band": band, "village": village}
        learner.send([learner.record(lesson="01-a")], profiles=[profile])
    with app.app_context():
        settle()
        account = accounts_for(["someone"])["someone"]
        db.session.add(
            Attestation(
                account_id=account.id,
                definition_id=db.session.query(OutcomeDefinition.id).scalar(),
                point_id=ids["p1b"],
                reason="拜师学艺",
                created_by="vol",
                created_at=utcnow(),
                status="pending",
            )
        )
        db.session.commit()
    sign_in(client, ids["admin"])
    rows = _rows(client)
    assert rows[0] == ["By", "Name", "Outcomes", "Credit hours"]
    assert ["Course", "地方戏曲入门", "2", "5.0"] in rows
    assert ["Village", "东庄", "1", "2.5"] in rows
    assert ["Age band", "70 and over", "1", "2.5"] in rows
    assert rows[-2][0::2] == ["Certificates issued", "2"]
    assert rows[-1][0::2] == ["Attestations waiting for approval", "1"]
    sign_in(client, ids["admin1a"])  # township 1a: point p1a only
    rows = _rows(client)
    assert ["Course", "地方戏曲入门", "1", "2.5"] in rows
    assert ["Village", "西庄", "1", "2.5"] not in rows
    assert rows[-1][0::2] == ["Attestations waiting for approval", "0"]
    xlsx = client.get("/staff/reports/export/credits.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
