"""Carry delay from the bundles' chain of custody, the spread of pack releases, stale
packs and the completion funnel measured against the current release's lessons."""

from __future__ import annotations

import json
from datetime import timedelta

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.packs.models import PackRelease
from xuedian.sync.bundles import import_bundle

from ..sync.helpers import now_iso
from .helpers import Learner, make_org, sign_in
from .test_exports import _csv

EXPORT = "/staff/reports/export"


def release(version: int, lessons: int) -> PackRelease:
    manifest = {"signed": {"lessons": [{"id": f"0{i}-x"} for i in range(lessons)]}}
    return PackRelease(
        pack_id="xuedian-welcome",
        version=version,
        title={"zh-CN": "欢迎", "en": "Welcome"},
        description={"zh-CN": "", "en": ""},
        category="intro",
        credit_hours=1.0,
        size=1,
        manifest=json.dumps(manifest),
        manifest_sha256="0" * 64,
        archive_name="x.zip",
        published_at=utcnow(),
    )


def test_carry_spread_stale_and_funnel(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="00-x"), a.record(lesson="01-x")])  # holds version 1
    with app.app_context():
        db.session.add_all([release(1, 4), release(2, 4)])
        db.session.commit()
        made = utcnow() - timedelta(hours=30)
        data = a.phone.bundle([[a.record(lesson="01-x")]], created=now_iso(-timedelta(hours=30)))
        answer = import_bundle(data, "a.xdsync", made + timedelta(hours=24), ids["vol"])
        assert answer["accepted"] == 1
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/carry_volunteers.csv?lang=en"))
    assert rows[1][:3] == ["vol", "1", "24.0"]
    assert 5.9 <= float(rows[1][3]) <= 6.1  # received → imported
    rows = _csv(client.get(f"{EXPORT}/carry_villages.csv?lang=en"))
    assert rows[1][:2] == ["v1a", "1"]
    rows = _csv(client.get(f"{EXPORT}/spread.csv?lang=en"))
    assert rows[0] == ["Pack", "Version", "t1a", "t1b", "Unenrolled phones"]
    assert rows[1] == ["Welcome", "2", "0", "unknown", "unknown"]
    assert rows[2] == ["Welcome", "1", "100", "unknown", "unknown"]
    rows = _csv(client.get(f"{EXPORT}/health.csv?lang=en"))
    assert rows[1][0] == "t1a" and rows[1][-1] == "1"  # one phone holds an old version
    assert rows[2][0] == "t1b" and rows[2][-1] == "unknown"
    rows = _csv(client.get(f"{EXPORT}/funnel.csv?lang=en"))
    assert rows[1] == ["Welcome", "4", "1", "1", "1", "0"]


def test_age_bands_and_topics_are_escaped_in_charts(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    profiles = [{"learner": a.learner, "age_band": "60-69"}]
    a.send([a.record(lesson="00-x"), a.asked("<b>养鸡</b>")], profiles=profiles)
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/ages.csv?lang=en"))
    assert ["60–69", "1", "100"] in rows and ["70 and over", "0", "0"] in rows
    html = client.get("/staff/reports/").get_data(as_text=True)
    assert "<b>养鸡</b>" not in html and "&lt;b&gt;养鸡&lt;/b&gt;" in html
    assert 'role="img" aria-label="最想学的主题"' in html
