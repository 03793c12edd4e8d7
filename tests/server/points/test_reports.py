"""Points reports: earned and redeemed, services most redeemed and double spends, as
registered report tables with CSV and XLSX, scoped like every report."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from xuedian.extensions import db
from xuedian.points import earn

from ..reports.helpers import Learner, make_org, sign_in
from .helpers import add_service, mark_phone, voucher


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.data[:300]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _world(app, client):
    ids = make_org(app)
    with app.app_context():
        earn.set_rule("lesson-completed", 10)
        db.session.commit()
    east, west = Learner(client, "p1a"), Learner(client, "p1b")
    east.send([east.record("completed", "01-intro")])
    west.send([west.record("completed", "01-intro")])
    service = add_service(app, "图书借阅", 5)
    counter_east, counter_west = Learner(client, "p1a"), Learner(client, "p1b")
    mark_phone(app, counter_east.phone, ids["p1a"])
    mark_phone(app, counter_west.phone, ids["p1b"])
    spent = voucher(counter_east.phone, east.learner, service, 5)
    counter_east.send([counter_east.asked("opera")], vouchers=[spent])
    again = voucher(counter_west.phone, east.learner, service, 5, spent["signed"]["voucher_id"])
    counter_west.send([counter_west.asked("opera")], vouchers=[again])
    return ids, spent["signed"]["voucher_id"], counter_west, counter_east


def test_points_reports_totals_services_and_double_spends_scoped(app, client):
    ids, voucher_id, second, first = _world(app, client)
    sign_in(client, ids["admin"])
    base = "/staff/reports/export/"
    totals = _csv(client.get(base + "points_totals.csv?lang=en"))
    assert totals == [
        ["Kind", "Entries", "Points"],
        ["Earned", "2", "20"],
        ["Redeemed", "1", "-5"],
        ["Expired", "0", "0"],
        ["Reversed", "0", "0"],
    ]
    services = _csv(client.get(base + "points_services.csv?lang=en"))
    assert services[1:] == [["图书借阅", "1", "5"]]
    spends = _csv(client.get(base + "points_double_spends.csv?lang=en"))
    assert [row[:4] for row in spends[1:]] == [
        [voucher_id[:8], spends[1][1], second.phone.device_id[:8], first.phone.device_id[:8]]
    ]
    book = load_workbook(io.BytesIO(client.get(base + "points_double_spends.xlsx").data))
    assert book.active.max_row == 2

    # Township 1a sees its own learner's points, not the double spend made at 1b.
    sign_in(client, ids["admin1a"])
    totals = _csv(client.get(base + "points_totals.csv?lang=en"))
    assert totals[1:3] == [["Earned", "1", "10"], ["Redeemed", "1", "-5"]]
    assert _csv(client.get(base + "points_double_spends.csv?lang=en"))[1:] == []


def test_points_reports_on_the_dashboard(app, client):
    ids, voucher_id, _, _ = _world(app, client)
    sign_in(client, ids["admin"])
    page = client.get("/staff/reports/?lang=en")
    assert page.status_code == 200
    html = page.data.decode()
    assert "Double spends" in html and voucher_id[:8] in html and "图书借阅" in html
