"""Events on site, end to end at 360 px: a volunteer makes an event and prints its QR code;
a phone with no network reads the printed code through the in-app scanner (a fake camera
stream of the code), checks in and says "已签到：<title>"; back online it syncs, and the
staff events page counts one attendance. The token is checked by the county at ingest."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import staff_sign_in, wait_for_controller
from support.camera import camera_phone, image_as_camera
from support.county import stored_records

from xuedian.org.demo import VOLUNTEER

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.e2e

TITLE = "戏曲讲座"
SCANNER_FILES = (
    "caches.open('xuedian-scanner').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
)


def make_event(page, server) -> int:
    """Make today's event on the staff page as the demo volunteer; return its id."""
    page.goto(f"{server.url}/staff/events", timeout=20_000)
    staff_sign_in(page, VOLUNTEER)
    page.goto(f"{server.url}/staff/events", timeout=20_000)
    today = datetime.now(ZoneInfo(server.app.config["XUEDIAN"].timezone)).date()
    page.locator("#title").fill(TITLE)
    page.locator("#day").fill(today.isoformat())
    page.locator("#starts").fill("00:00")
    page.locator("#ends").fill("23:59")
    page.locator("#credit_hours").fill("2")
    page.get_by_test_id("event-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("done")).to_be_visible(timeout=20_000)
    row = page.locator("tr[data-event]").first
    expect(row).to_contain_text(TITLE)
    return int(row.get_attribute("data-event"))


def qr_video(page, server, event_id: int, tmp_path) -> tuple[str, str]:
    """Open the event's printable page, photograph its QR code and make it a camera feed;
    return the feed's path and the address printed under the code."""
    page.goto(f"{server.url}/staff/events/{event_id}/qr", timeout=20_000)
    expect(page.get_by_test_id("event-plaque")).to_contain_text(TITLE, timeout=20_000)
    png = tmp_path / "event.png"
    page.get_by_test_id("event-qr").screenshot(path=str(png))
    return image_as_camera(png), page.get_by_test_id("event-url").inner_text()


def test_event_checkin_scanned_offline_syncs_and_counts(live_server, page, playwright, tmp_path):
    event_id = make_event(page, live_server)
    feed, link = qr_video(page, live_server, event_id, tmp_path)
    assert link.startswith(f"{live_server.url}/?checkin=")
    browser, phone = camera_phone(playwright, live_server.url, feed)
    context = phone.context
    try:
        # "My learning" fetches the scanner while there is a network.
        phone.goto(f"{live_server.url}/#/", timeout=20_000)
        wait_for_controller(phone)
        phone.goto(f"{live_server.url}/#/learning", timeout=20_000)
        phone.reload(timeout=20_000)  # under the service worker now, which keeps the scanner
        expect(phone.get_by_test_id("learning-scan")).to_be_visible(timeout=15_000)
        wait_until(
            lambda: len(phone.evaluate(SCANNER_FILES)) == 2,
            30,
            "the decoder in the scanner cache",
            page=phone,
        )

        context.set_offline(True)
        phone.goto("about:blank")
        phone.goto(f"{live_server.url}/#/", timeout=20_000)
        phone.get_by_test_id("home-scan").click()
        done = phone.get_by_test_id("checkin-done")
        expect(done).to_have_text(f"已签到：{TITLE}", timeout=30_000)
        expect(done).to_have_attribute("data-state", "done")
        assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
        assert_no_serious_violations(phone, "check-in confirmation")
        expect(phone.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
        # The same code again, opened by the camera app (the address itself), offline:
        # it confirms and records nothing.
        phone.goto(link, timeout=20_000)
        expect(phone).to_have_url(re.compile(r"/#/checkin/"), timeout=10_000)
        expect(phone.get_by_test_id("checkin-done")).to_have_attribute(
            "data-state", "again", timeout=15_000
        )
        expect(phone.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
        # A forged code (the same body, another signature) is refused on the phone, offline.
        forged = link.split("=", 1)[1].split(".")[0] + "." + "A" * 86
        phone.goto(f"{live_server.url}/#/checkin/{forged}", timeout=20_000)
        expect(phone.get_by_test_id("checkin-invalid")).to_be_visible(timeout=15_000)
        expect(phone.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
        assert stored_records(live_server) == []

        context.set_offline(False)
        expect(phone.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
        records = stored_records(live_server)
        assert [(r.verb_name, r.object["event"]) for r in records] == [("attended", event_id)]
        assert records[0].seconds == 2 * 3600  # the event's credit hours
    finally:
        browser.close()

    page.goto(f"{live_server.url}/staff/events", timeout=20_000)
    expect(page.get_by_test_id(f"attended-{event_id}")).to_have_text("1", timeout=10_000)
