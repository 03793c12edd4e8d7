"""积分兑换 end to end at 360 px (issue 14): the county seeds a learner's points and a
service; a volunteer marks phone B as their point's redemption phone on the staff point
page; phone B syncs the catalogue, then, offline, scans the learner card (a fake camera
fed the card's QR code, drawn from the learner id as the app draws it: ``XDL1:<id>``),
redeems the service after a large-print confirmation, and is refused a second redemption
over the daily cap. Back online it syncs, and the county's ledger holds exactly one
redemption for that voucher."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
import segno
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import read_store, staff_sign_in, wait_for_controller
from support.camera import camera_phone, image_as_camera
from support.county import registered
from support.phone import sync_now

from xuedian.extensions import db
from xuedian.org.demo import VOLUNTEER
from xuedian.org.models import Staff
from xuedian.points import ledger
from xuedian.points.models import PointsEntry, PointsService
from xuedian.sync.models import Device

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SCANNER_FILES = (
    "caches.open('xuedian-scanner').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
)


def short_number(learner: str) -> str:
    return f"{int(learner.replace('-', '')[:12], 16) % 10**8:08d}"


def seed(server, learner: str) -> int:
    """100 points for ``learner``, a county-wide service of 30, a daily cap of 50."""
    app = server.app
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], points_daily_cap=50)
    with app.app_context():
        ledger.append(f"seed:{learner}", learner, "earn", 100, "test")
        service = PointsService(name="戏曲票", points=30)
        db.session.add(service)
        db.session.commit()
        ident = service.id
        db.session.remove()
        return ident


def card_video(learner: str, tmp_path) -> str:
    """The learner card's QR code as a camera feed."""
    png = tmp_path / "card.png"
    segno.make(f"XDL1:{learner}", error="m").save(str(png), scale=8, border=4)
    return image_as_camera(png, sharp=True)


def enrol_at_volunteers_point(server, device_id: str) -> None:
    """Phone B is one of the demo volunteer's point's phones (as its enrolment QR does)."""
    with server.app.app_context():
        point = db.session.scalar(select(Staff.point_id).where(Staff.username == VOLUNTEER[0]))
        db.session.get(Device, device_id).learning_point_id = point
        db.session.commit()
        db.session.remove()


def redemptions(server, learner: str) -> list[tuple[str, int]]:
    with server.app.app_context():
        rows = db.session.scalars(
            select(PointsEntry).where(PointsEntry.learner == learner, PointsEntry.kind == "redeem")
        )
        found = [(e.ref, e.points) for e in rows]
        db.session.remove()
        return found


def test_redeem_offline_on_a_marked_phone_is_one_redemption(
    live_server, page, playwright, tmp_path
):
    server, base = live_server, live_server.url
    learner = str(uuid.uuid4())
    service = seed(server, learner)
    feed = card_video(learner, tmp_path)
    browser, phone = camera_phone(playwright, base, feed)
    context = phone.context
    try:
        phone.goto(base + "/#/settings", timeout=20_000)
        wait_for_controller(phone)
        phone.reload(timeout=20_000)
        # Not a redemption phone yet: 积分兑换 says so and scans nothing.
        phone.goto(base + "/#/redeem", timeout=20_000)
        expect(phone.get_by_test_id("redeem-not-phone")).to_be_visible(timeout=15_000)
        expect(phone.get_by_test_id("redeem-view")).to_have_count(0)
        wait_until(lambda: len(registered(server)) == 1, 30, "phone B registered", page=phone)
        (device_id,) = registered(server)
        enrol_at_volunteers_point(server, device_id)

        # The volunteer marks it on their point's page.
        page.goto(f"{base}/staff/point", timeout=20_000)
        staff_sign_in(page, VOLUNTEER)
        page.goto(f"{base}/staff/point", timeout=20_000)
        panel = page.get_by_test_id("redemption-phones")
        row = panel.locator(f"li[data-redeem-device='{device_id[:8]}']")
        expect(row).to_have_attribute("data-redeems", "no", timeout=20_000)
        page.get_by_test_id(f"redemption-phone-{device_id[:8]}").click()
        expect(row).to_have_attribute("data-redeems", "yes", timeout=20_000)

        # Phone B syncs: the catalogue arrives, 更多 links 积分兑换, the scanner is fetched.
        sync_now(phone, base)
        wait_until(
            lambda: (read_store(phone, "meta", "redeem") or {}).get("redeems"),
            30,
            "the redeem catalogue on phone B",
            page=phone,
        )
        phone.goto(base + "/#/settings", timeout=20_000)
        expect(phone.get_by_test_id("go-redeem")).to_be_visible(timeout=15_000)
        wait_until(
            lambda: len(phone.evaluate(SCANNER_FILES)) == 2,
            30,
            "the decoder in the scanner cache",
            page=phone,
        )

        # Offline: scan the card, pick the service, confirm in large print.
        context.set_offline(True)
        phone.goto("about:blank")
        phone.goto(base + "/#/settings", timeout=20_000)
        phone.get_by_test_id("go-redeem").click(timeout=15_000)
        card = short_number(learner)
        expect(phone.get_by_test_id("redeem-card")).to_have_text(f"学员卡 {card}", timeout=60_000)
        phone.locator(f"[data-service='{service}']").click()
        question = phone.get_by_test_id("redeem-question")
        expect(question).to_have_text(f"为 {card} 兑换 戏曲票，用去 30 分？", timeout=10_000)
        assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
        assert_no_serious_violations(phone, "redeem confirmation")
        phone.get_by_test_id("redeem-confirm").click()
        expect(phone.get_by_test_id("redeem-done")).to_contain_text("用去 30 分", timeout=15_000)
        (kept,) = read_store(phone, "meta", "vouchers")
        voucher_id = kept["voucher_id"]
        assert kept["envelope"]["signed"]["device_id"] == device_id

        # The same learner again today: 30 + 30 is over the cap of 50, refused on the phone.
        phone.get_by_test_id("redeem-next").click()
        expect(phone.get_by_test_id("redeem-card")).to_have_text(f"学员卡 {card}", timeout=60_000)
        phone.locator(f"[data-service='{service}']").click()
        expect(phone.get_by_test_id("redeem-over-cap")).to_contain_text(
            "今天已为这位学员兑换 30 分，每天最多 50 分", timeout=10_000
        )
        expect(phone.get_by_test_id("redeem-question")).to_have_count(0)
        assert len(read_store(phone, "meta", "vouchers")) == 1
        assert redemptions(server, learner) == []

        # Online again: the next sync carries the voucher; the county applies it once.
        context.set_offline(False)
        sync_now(phone, base)
        wait_until(
            lambda: redemptions(server, learner) == [(voucher_id, -30)],
            30,
            "the redemption in the county's ledger",
            page=phone,
        )
        # Settled: the phone stops sending it, and a further sync adds nothing.
        wait_until(
            lambda: read_store(phone, "meta", "vouchers")[0]["envelope"] is None,
            30,
            "the voucher settled on phone B",
            page=phone,
        )
        sync_now(phone, base)
        expect(phone.get_by_test_id("sync-now")).to_be_enabled(timeout=30_000)
        assert redemptions(server, learner) == [(voucher_id, -30)]
    finally:
        browser.close()
