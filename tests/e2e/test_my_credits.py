"""我的学分 and 验证证书 in real Chromium at 360 px (issue 14, "What it must show").

A resident reads a course's lesson offline (the page's clock moved on while the content is
shown, so the completion carries evidence); the phone syncs and the certificate appears in
我的学分 with its QR code, also after a reload offline. A second phone, whose camera is fed
a photograph of that QR code, has synced the county's issuer key and revocation list once;
offline, it says 真实有效. The county revokes the credential with the CLI; after the next
sync the second phone, offline again, says 已撤销, and the holder's card says so too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import read_store, wait_for_controller
from support.camera import camera_phone, image_as_camera
from support.county import cli
from support.phone import sync_now

from xuedian.credits.models import Outcome, OutcomeDefinition
from xuedian.extensions import db

from .screens import (
    GARDEN,
    PHONE,
    complete_lesson,
    install,
    no_horizontal_scroll,
    start_screens_server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

LESSON = "01-first"
SCANNER_FILES = (
    "caches.open('xuedian-scanner').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
)

# How wide the printed card's QR code is drawn (CSS px), on a page as wide as A4.
PRINTED_QR_WIDTH = """() => {
  const card = document.querySelector('.cert[data-printing]');
  return card ? card.querySelector('.cert-qr').getBoundingClientRect().width : 0;
}"""


@pytest.fixture(scope="module")
def credits_server(tmp_path_factory, pwa_dist):
    """The welcome pack and two one-lesson packs, with their default outcome definitions."""
    server = start_screens_server(tmp_path_factory.mktemp("credits"), pwa_dist)
    cli(server, "credits", "certify")
    yield server
    server.stop()


def definition_of(server, pack: str) -> int:
    with server.app.app_context():
        ident = db.session.scalar(
            select(OutcomeDefinition.id).where(OutcomeDefinition.pack_id == pack)
        )
        db.session.remove()
        return ident


def credential_of(server, definition: int) -> str:
    with server.app.app_context():
        ident = db.session.scalar(
            select(Outcome.credential_id).where(Outcome.definition_id == definition)
        )
        db.session.remove()
        return ident


def qr_video(card, tmp_path) -> str:
    """Photograph the certificate's QR code and make it a camera feed (as test_route does)."""
    png = tmp_path / "certificate.png"
    card.screenshot(path=str(png))
    return image_as_camera(png, sharp=True)


def scan(page, base: str, want: str) -> None:
    """Open the verify screen offline (from the app's cache) and wait for its verdict."""
    page.goto("about:blank")
    page.goto(base + "/#/verify", timeout=20_000)
    result = page.get_by_test_id("verify-result")
    expect(result).to_have_attribute("data-verdict", want, timeout=60_000)


def test_certificate_shows_and_a_second_phone_verifies_it_offline_until_revoked(
    credits_server, page, playwright, tmp_path
):
    server, base = credits_server, credits_server.url
    definition = definition_of(server, PHONE)

    # 1. The course, offline, with real engagement.
    page.clock.install()  # time flows; complete_lesson moves it on while reading
    install(page, server, PHONE)
    page.context.set_offline(True)
    complete_lesson(page, server, LESSON, PHONE, read_seconds=30)
    page.goto(base + "/#/settings", timeout=20_000)
    page.get_by_test_id("go-credits").click()
    expect(page.get_by_test_id("credits-none")).to_be_visible(timeout=15_000)

    # 2. The phone syncs; the certificate appears in 我的学分, with its QR code.
    page.context.set_offline(False)
    card = page.get_by_test_id(f"cert-{definition}")
    expect(card).to_be_visible(timeout=60_000)
    expect(card).to_contain_text("手机支付")
    expect(card).to_contain_text("学时 1 小时 · 1 学分")
    expect(page.get_by_test_id("credits-credits")).to_have_text("1")
    # A course not studied yet says what it still needs, in plain words.
    garden = page.get_by_test_id(f"credits-pending-{definition_of(server, GARDEN)}")
    expect(garden).to_contain_text("菜园管理")
    expect(garden).to_contain_text("还差 1 课")
    qr = page.get_by_test_id(f"cert-{definition}-qr")
    expect(qr).to_be_visible(timeout=15_000)
    assert no_horizontal_scroll(page)
    # Shared as a picture file (no Web Share here: downloaded).
    with page.expect_download(timeout=15_000) as download:
        page.get_by_test_id(f"cert-{definition}-share").click()
    assert download.value.suggested_filename.endswith(".png")
    # Printed alone and large: the print CSS hides all but this card (the dialog stubbed).
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_test_id(f"cert-{definition}-print").click()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert page.evaluate("window.printed") is True
    assert page.get_by_test_id("bottom-nav").evaluate("(e) => getComputedStyle(e).visibility") == (
        "hidden"
    )
    assert page.evaluate(PRINTED_QR_WIDTH) > 450  # 14 cm wide, not the screen's 20 rem
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.locator("html.printing-cert")).to_have_count(0)
    # Shown offline, from what the feed stored.
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    expect(qr).to_be_visible(timeout=20_000)
    feed = qr_video(qr, tmp_path)

    # 3. A second phone syncs the county's keys and lists once, then verifies offline.
    browser, other = camera_phone(playwright, base, feed)
    context = other.context
    try:
        other.goto(base + "/#/credits", timeout=20_000)
        wait_for_controller(other)
        other.reload(timeout=20_000)  # now through the service worker, which keeps the reader
        wait_until(
            lambda: (read_store(other, "meta", "credential_trust") or {}).get("lists"),
            30,
            "the county's status list on the second phone",
            page=other,
        )
        # 我的学分 fetched the QR reader for offline use.
        wait_until(
            lambda: len(other.evaluate(SCANNER_FILES)) == 2,
            30,
            "the decoder in the scanner cache",
            page=other,
        )
        context.set_offline(True)
        scan(other, base, "genuine")
        expect(other.get_by_test_id("verify-result")).to_contain_text("真实有效")
        expect(other.get_by_test_id("verify-result")).to_contain_text("手机支付")
        assert no_horizontal_scroll(other)

        # 4. The county revokes it; after the next sync the second phone says so, offline.
        cli(server, "credentials", "revoke", credential_of(server, definition))
        context.set_offline(False)
        before = read_store(other, "meta", "credential_trust")
        sync_now(other, base)
        wait_until(
            lambda: read_store(other, "meta", "credential_trust") != before,
            30,
            "the revocation list after the sync",
            page=other,
        )
        context.set_offline(True)
        scan(other, base, "revoked")
        expect(other.get_by_test_id("verify-result")).to_contain_text("已撤销")
    finally:
        browser.close()

    # The holder's phone learns it at its next sync too.
    page.context.set_offline(False)
    sync_now(page, base)
    page.goto(base + "/#/credits", timeout=20_000)
    expect(page.get_by_test_id(f"cert-{definition}-revoked")).to_be_visible(timeout=30_000)
