"""The app shell in real Chromium: installable, served offline by the service worker."""

from __future__ import annotations

import gzip

import pytest
from playwright.sync_api import expect
from support.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_controller

pytestmark = pytest.mark.e2e


def test_shell_is_installable(live_server, tmp_path, playwright):
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(live_server.url + "/", timeout=20_000)
        wait_for_controller(page)
        cdp = context.new_cdp_session(page)
        result = cdp.send("Page.getInstallabilityErrors")
        assert result["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert '"name": "学点"' in manifest["data"] or '"name":"学点"' in manifest["data"]
    finally:
        context.close()


def test_shell_reload_offline_is_served_by_service_worker(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    expect(page.locator("#sync-status")).to_be_visible(timeout=10_000)
    live_server.stop()
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    expect(page.locator("#sync-status")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("offline-indicator")).to_be_visible(timeout=10_000)
    served_by_sw = page.evaluate("performance.getEntriesByType('navigation')[0].workerStart > 0")
    assert served_by_sw


def test_shell_ships_trusted_keys_in_precache(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    keys = page.evaluate(
        """async () => {
            const names = await caches.keys();
            for (const name of names) {
                const cache = await caches.open(name);
                for (const req of await cache.keys()) {
                    if (new URL(req.url).pathname === '/trusted-keys.json') {
                        return (await (await cache.match(req)).json()).keys;
                    }
                }
            }
            return null;
        }"""
    )
    expected = live_server.app.extensions["xuedian.keyring"].trusted()
    assert keys == expected


def test_shell_assets_travel_gzip_compressed(live_server, pwa_dist, page):
    """Every JS asset that gzip makes smaller travels gzip. A file of a few dozen bytes (an
    esbuild helper chunk) grows under gzip, so WhiteNoise rightly keeps no .gz of it."""
    sizes = {}

    def remember(response):
        if "/assets/" in response.url and response.url.endswith(".js"):
            sizes[response.url] = response.header_value("content-encoding")

    page.on("response", remember)
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    assert sizes
    assert "gzip" in sizes.values()
    for url, encoding in sizes.items():
        if encoding == "gzip":
            continue
        body = (pwa_dist / "assets" / url.rsplit("/", 1)[1]).read_bytes()
        assert len(gzip.compress(body)) >= len(body) * 0.95, f"{url} travels uncompressed"
