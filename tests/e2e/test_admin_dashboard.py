"""An administrator signs in, opens the report dashboard in real Chromium, drills down
county → township → village → point, and downloads a CSV whose rows are the point's
records."""

from __future__ import annotations

import csv
import io

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from server.reports.helpers import Learner, make_org
from support.browser import staff_sign_in

from xuedian import create_app

from .conftest import FaultInjector, LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def report_server(tmp_path, pwa_dist):
    app = create_app({"instance_path": str(tmp_path / "instance"), "pwa_dist": str(pwa_dist)})
    with app.app_context():
        upgrade()
        app.extensions["xuedian.keyring"].ensure()
    server = LiveServer(app, FaultInjector(app)).start()
    yield server
    server.stop()


def test_admin_drills_down_and_downloads_the_point_csv(report_server, page):
    app = report_server.app
    make_org(app)
    client = app.test_client()
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    mine = [a.record(lesson="01-a"), a.record(lesson="02-b"), a.asked("=种蘑菇")]
    a.send(mine)
    b.send([b.record(lesson="01-a")])
    page.set_viewport_size({"width": 360, "height": 800})
    # Signed out, the dashboard sends the administrator to sign in, then back.
    page.goto(report_server.url + "/staff/reports/", timeout=15_000)
    staff_sign_in(page, ("admin", "x"))
    expect(page.get_by_role("heading", name="报表总览")).to_be_visible(timeout=10_000)
    expect(page.locator("#total-lessons")).to_have_text("3", timeout=5_000)
    health = page.locator("#table-health")
    health.get_by_role("link", name="东镇").click(timeout=30_000)
    expect(page.locator("#total-lessons")).to_have_text("2", timeout=5_000)
    page.locator("#table-health").get_by_role("link", name="东庄村").click(timeout=30_000)
    page.locator("#table-health").get_by_role("link", name="东庄学习点").click(timeout=30_000)
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("东庄学习点", timeout=5_000)
    expect(page.locator("#table-health tbody tr")).to_have_count(1, timeout=5_000)
    # No table spills sideways off a 360 px phone: wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_download(timeout=15_000) as info:
        page.get_by_role("link", name="导出全部学习记录（CSV）").click()
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "device", "point"]
    assert sorted(r[0] for r in rows[1:]) == sorted(r["id"] for r in mine)
    assert {r[2] for r in rows[1:]} == {"p1a"}
    assert any(r[5] == "'" + '{"topic": "=种蘑菇"}' or "种蘑菇" in r[5] for r in rows[1:])
