"""Enrolment from a poster, in real Chromium at 360 px: a volunteer opens their point's page
and takes the QR code's address; a fresh phone opens it and shows on the volunteer page
before it has sent any record, naming its learning point on home and settings. A second
phone opened at plain / is counted under "unenrolled phones" on the county dashboard once
it syncs a topic request."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from support.browser import staff_sign_in

from xuedian.extensions import db
from xuedian.org.demo import ADMIN, VOLUNTEER
from xuedian.org.enrolment import make_token
from xuedian.org.models import LearningPoint
from xuedian.sync.models import Device, LearningRecord

from .test_feed import read_store
from .test_shell import wait_for_controller

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

ROW = "未加入学习点的手机"


def sign_in(page, base: str, account: tuple[str, str], target: str) -> None:
    page.goto(f"{base}/staff/login?next={target}", timeout=20_000)
    staff_sign_in(page, account)


def records_of(server, device_id: str) -> int:
    with server.app.app_context():
        count = db.session.scalar(select(func.count()).where(LearningRecord.device_id == device_id))
        db.session.remove()
        return count


def test_a_phone_opened_from_the_poster_shows_on_the_point_page_at_once(
    live_server, page, browser, browser_context_args
):
    base = live_server.url
    sign_in(page, base, VOLUNTEER, "/staff/point")
    expect(page.get_by_test_id("point-code")).to_have_text("liucun", timeout=10_000)
    expect(page.get_by_test_id("devices-count")).to_have_text("0", timeout=5_000)
    # No XUEDIAN_PUBLIC_URL here: the code carries this page's own address, and says so.
    expect(page.get_by_test_id("public-url-note")).to_be_visible(timeout=5_000)
    url = page.get_by_test_id("enrol-url").inner_text(timeout=5_000)
    assert url.startswith(f"{base}/?point=liucun&t=")
    page.get_by_test_id("poster-link").click(timeout=30_000)
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible(timeout=10_000)
    assert f"{base}/?point=liucun&amp;t=" in page.content()

    phone = browser.new_context(**browser_context_args)
    stray = browser.new_context(**browser_context_args)
    try:
        scan = phone.new_page()
        scan.goto(url, timeout=20_000)
        expect(scan.get_by_test_id("point-name")).to_have_text(
            "本机已加入：柳村学习点", timeout=20_000
        )
        assert "point=" not in scan.url  # a reload cannot undo a later change of point
        device_id = read_store(scan, "meta", "device_key")["device_id"]
        assert read_store(scan, "outbox") == []
        assert records_of(live_server, device_id) == 0
        page.goto(f"{base}/staff/point", timeout=20_000)
        expect(page.get_by_test_id("devices-count")).to_have_text("1", timeout=10_000)
        expect(page.locator(f'[data-device="{device_id[:8]}"]')).to_be_visible(timeout=5_000)
        # Settings name the point too, with a way to change it; a bad address is refused.
        scan.goto(f"{base}/#/settings", timeout=20_000)
        expect(scan.get_by_test_id("point-name")).to_have_attribute(
            "data-code", "liucun", timeout=10_000
        )
        scan.get_by_test_id("point-link").fill(f"{base}/?point=taocun&t=forged")
        scan.get_by_test_id("point-join").click()
        expect(scan.get_by_test_id("point-message")).to_have_text(
            "这不是学习点二维码的网址。", timeout=5_000
        )
        box = scan.get_by_test_id("point-join").bounding_box(timeout=5_000)
        assert box["height"] >= 48 and box["x"] + box["width"] <= 360
        # A well-formed token the county did not sign is refused; the phone stays put.
        with live_server.app.app_context():
            taocun = make_token("taocun")
        forged = taocun[:-8] + ("A" * 8 if not taocun.endswith("A" * 8) else "B" * 8)
        scan.get_by_test_id("point-link").fill(f"{base}/?point=taocun&t={forged}")
        scan.get_by_test_id("point-join").click()
        expect(scan.get_by_test_id("point-refused")).to_contain_text("taocun", timeout=10_000)
        expect(scan.get_by_test_id("point-name")).to_have_attribute("data-code", "liucun")
        # Another point's real code moves it, on the phone and on the county.
        scan.get_by_test_id("point-link").fill(f"{base}/?point=taocun&t={taocun}")
        scan.get_by_test_id("point-join").click()
        expect(scan.get_by_test_id("point-name")).to_have_text(
            "本机已加入：桃村学习点", timeout=10_000
        )
        with live_server.app.app_context():
            moved = db.session.get(Device, device_id).learning_point_id
            assert db.session.get(LearningPoint, moved).code == "taocun"
            db.session.remove()

        # A phone opened at plain / learns and syncs: it is unenrolled, never invisible.
        plain = stray.new_page()
        plain.goto(f"{base}/#/request", timeout=20_000)
        wait_for_controller(plain)
        plain.get_by_test_id("request-topic").fill("怎样网上缴医保", timeout=10_000)
        plain.get_by_test_id("request-send").click()
        expect(plain.get_by_test_id("request-item")).to_have_attribute(
            "data-sent", "true", timeout=30_000
        )
        plain.goto(f"{base}/#/", timeout=20_000)
        expect(plain.get_by_test_id("point-none")).to_be_visible(timeout=10_000)
        with live_server.app.app_context():
            stray_id = read_store(plain, "meta", "device_key")["device_id"]
            assert db.session.get(Device, stray_id).learning_point_id is None
            db.session.remove()
    finally:
        phone.close()
        stray.close()

    page.context.clear_cookies()
    sign_in(page, base, ADMIN, "/staff/reports/")
    health = page.locator("#table-health")
    row = health.locator("tr", has_text=ROW)
    expect(row).to_be_visible(timeout=10_000)
    expect(row.locator("td").nth(1)).to_have_text("1", timeout=5_000)
    expect(page.locator("#table-topics")).to_contain_text("怎样网上缴医保", timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
