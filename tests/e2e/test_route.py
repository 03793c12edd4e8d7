"""Route packs in the app: the route screen (map with numbered markers, the sites below),
a plaque's address opening the site's lesson offline or offering the pack, and the in-app
scanner reading a printed plaque through a fake camera, offline, with zxing-wasm."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import staff_sign_in
from support.camera import camera_phone, image_as_camera

from xuedian.org.demo import VOLUNTEER

from .axe import assert_no_serious_violations
from .conftest import ROOT, start_live_server
from .screens import install

PACK = "jianzhu-keyuedu"
SITES = {
    "menlou": "04-menlou-biane",
    "citang": "02-citang",
    "matouqiang": "08-qiang-cailiao",
    "shiqiao": "03-shiqiao-langqiao",
    "heyuan": "01-heyuan-tianjing",
}
SCANNER_FILES = (
    "caches.open('xuedian-scanner').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
)


@pytest.fixture(scope="module")
def route_server(tmp_path_factory, pwa_dist):
    """A live server publishing the 建筑可阅读 route pack; ``xuedian demo`` made its staff."""
    base = tmp_path_factory.mktemp("route")
    shutil.copytree(ROOT / "content_packs" / PACK, base / "sources" / PACK)
    server = start_live_server(base / "instance", pwa_dist, base / "sources")
    yield server
    server.stop()


def expect_lesson(page, lesson: str) -> None:
    content = page.get_by_test_id("lesson-content")
    expect(content).to_have_attribute("data-lesson", lesson, timeout=20_000)
    expect(content).not_to_be_empty(timeout=15_000)


def set_view(page, base: str, hash_: str, lang: str, scale: float) -> None:
    page.evaluate(
        "([s, l]) => { localStorage.setItem('xuedian-settings', JSON.stringify({textScale: s}));"
        " localStorage.setItem('xuedian-lang', l); }",
        [scale, lang],
    )
    page.goto("about:blank")
    page.goto(base + "/" + hash_, timeout=20_000)
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=10_000)


def test_route_screen_opens_site_lessons_and_plaque_links_work_offline(route_server, page):
    base = route_server.url
    install(page, route_server, PACK)
    page.goto(f"{base}/#/pack/{PACK}", timeout=20_000)
    page.get_by_test_id("open-route").click()
    expect(page.get_by_test_id("route-map")).to_be_visible(timeout=15_000)
    for number, site in enumerate(SITES, start=1):
        marker = page.get_by_test_id(f"marker-{site}")
        expect(marker).to_have_text(str(number))
        box = marker.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48, (site, box)
        expect(page.get_by_test_id(f"site-{site}")).to_be_visible()
    map_box = page.get_by_test_id("route-map").bounding_box()
    assert map_box["width"] <= 360
    page.get_by_test_id("marker-citang").click()
    expect_lesson(page, SITES["citang"])

    # The plaque's address, with no network: the lesson, straight from the installed pack.
    page.context.set_offline(True)
    page.goto(f"{base}/?site={PACK}/shiqiao", timeout=20_000)
    expect_lesson(page, SITES["shiqiao"])
    assert page.url == f"{base}/#/lesson/{PACK}/{SITES['shiqiao']}"
    page.go_back()
    expect(page).not_to_have_url(f"{base}/?site={PACK}/shiqiao", timeout=5_000)

    # An address naming a site the pack does not have says so.
    page.goto(f"{base}/?site={PACK}/nowhere", timeout=20_000)
    expect(page.get_by_test_id("site-unknown")).to_be_visible(timeout=15_000)

    for lang in ("zh-CN", "en"):
        for scale in (1, 2):
            set_view(page, base, f"#/route/{PACK}", lang, scale)
            expect(page.get_by_test_id("marker-heyuan")).to_be_visible(timeout=15_000)
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
            assert_no_serious_violations(page, f"route screen {lang} {scale * 100}%")


def test_plaque_link_without_the_pack_offers_it_then_opens_the_lesson(route_server, page):
    base = route_server.url
    page.goto(f"{base}/?site={PACK}/citang", timeout=20_000)
    expect(page.get_by_test_id("site-offer")).to_be_visible(timeout=20_000)
    for lang in ("en", "zh-CN"):
        for scale in (2, 1):
            set_view(page, base, f"#/site/{PACK}/citang", lang, scale)
            expect(page.get_by_test_id("site-offer")).to_be_visible(timeout=20_000)
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
            assert_no_serious_violations(page, f"site offer {lang} {scale * 100}%")
    page.get_by_test_id("site-download").click()
    expect_lesson(page, SITES["citang"])


def plaque_video(page, server, site: str, tmp_path) -> str:
    """Print the site's plaque from the staff page, photograph it and make it a camera feed."""
    page.goto(f"{server.url}/staff/plaques/{PACK}", timeout=20_000)
    staff_sign_in(page, VOLUNTEER)
    plaque = page.get_by_test_id(f"plaque-{site}")
    expect(plaque).to_be_visible(timeout=20_000)
    png = tmp_path / "plaque.png"
    plaque.screenshot(path=str(png))
    return image_as_camera(png)


def test_scanner_reads_a_printed_plaque_and_opens_its_lesson_offline(
    route_server, page, playwright, tmp_path
):
    feed = plaque_video(page, route_server, "menlou", tmp_path)
    browser, phone = camera_phone(playwright, route_server.url, feed)
    context = phone.context
    try:
        install(phone, route_server, PACK)
        precached = phone.evaluate("caches.keys()")
        # Installing the app did not fetch the decoder; opening a route does.
        assert "xuedian-scanner" not in precached
        phone.goto(f"{route_server.url}/#/route/{PACK}", timeout=20_000)
        files = wait_until(
            lambda: len(phone.evaluate(SCANNER_FILES)) == 2 and phone.evaluate(SCANNER_FILES),
            30,
            "the decoder in the scanner cache",
            page=phone,
        )
        assert any(f.endswith(".wasm") for f in files)
        assert all(f.startswith(route_server.url) for f in files)

        context.set_offline(True)
        phone.goto("about:blank")
        phone.goto(f"{route_server.url}/#/scan/{PACK}", timeout=20_000)
        expect_lesson(phone, SITES["menlou"])
        assert phone.url == f"{route_server.url}/#/lesson/{PACK}/{SITES['menlou']}"
    finally:
        browser.close()


def test_scanner_screen_is_accessible_and_says_when_there_is_no_camera(route_server, page):
    page.goto(route_server.url + "/", timeout=20_000)
    for lang in ("zh-CN", "en"):
        for scale in (1, 2):
            set_view(page, route_server.url, f"#/scan/{PACK}", lang, scale)
            view = page.get_by_test_id("scan-view")
            expect(view).to_have_attribute("data-state", "no-camera", timeout=15_000)
            expect(page.get_by_test_id("scan-problem")).to_be_visible()
            assert_no_serious_violations(page, f"scan screen {lang} {scale * 100}%")
