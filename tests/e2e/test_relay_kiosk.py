"""The village kiosk's LAN page in real Chromium with JavaScript turned off, at 360 px: a
pack archive downloads and sync bundles upload through the plain form, then reach the
county with the kiosk's custody time."""

from __future__ import annotations

import hashlib
import shutil
import threading
from datetime import timedelta

import pytest
from playwright.sync_api import expect

# tests/ is on sys.path under pytest (e2e and server are its packages).
from server.sync.helpers import Phone, make_record
from sqlalchemy import select
from werkzeug.serving import make_server

from xuedian import create_relay_app
from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.relay.keys import parse_keys
from xuedian.relay.upstream import Upstream
from xuedian.sync.models import SyncBundle

from .conftest import ROOT, start_live_server

pytestmark = pytest.mark.e2e

ARCHIVE = "xuedian-welcome-v1.xdpack"


@pytest.fixture
def county(tmp_path, pwa_dist):
    packs = tmp_path / "sources"
    shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", packs / "xuedian-welcome")
    server = start_live_server(tmp_path / "county", pwa_dist, packs)
    yield server
    server.stop()


@pytest.fixture
def kiosk(tmp_path, county):
    """A relay that mirrored the county, serving its LAN page on a free loopback port."""
    app = create_relay_app({"instance_path": str(tmp_path / "kiosk")})
    relay = app.extensions["xuedian.relay"]
    keys = Upstream(county.url).request("GET", "/trusted-keys.json").body
    relay.keys.pin(county.url, parse_keys(keys), "test")
    relay.run_pass(force=True)
    assert [p["file"] for p in relay.mirror.packs()] == [ARCHIVE]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield relay, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_kiosk_page_without_javascript_downloads_a_pack_and_takes_bundles(
    browser, kiosk, county, tmp_path
):
    relay, url = kiosk
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        accept_downloads=True,
    )
    try:
        page = context.new_page()
        page.goto(url + "/", timeout=20_000)
        expect(page.get_by_text("交学习记录")).to_be_visible(timeout=10_000)
        expect(page.get_by_text("Hand in learning records")).to_be_visible(timeout=10_000)
        assert "<script" not in page.content()
        # Nothing sticks out of a 360 px screen.
        for locator in (page.locator("main"), page.get_by_test_id("pack-download")):
            box = locator.bounding_box(timeout=10_000)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360

        with page.expect_download(timeout=20_000) as info:
            page.get_by_test_id("pack-download").click(timeout=30_000)
        download = info.value
        assert download.suggested_filename == ARCHIVE
        got = hashlib.sha256(download.path().read_bytes()).hexdigest()
        assert got == hashlib.sha256((relay.mirror.archives / ARCHIVE).read_bytes()).hexdigest()

        phone = Phone()
        files = []
        for n, seqs in enumerate(([1, 2, 3], [4, 5])):
            path = tmp_path / f"xuedian-{phone.device_id[:8]}-2026112{n}-0800.xdsync"
            path.write_bytes(phone.bundle([[make_record(s) for s in seqs]]))
            files.append(path)
        before = utcnow()
        page.get_by_test_id("bundle-files").set_input_files(files, timeout=10_000)
        page.get_by_test_id("upload").click(timeout=30_000)
        expect(page.get_by_test_id("received")).to_contain_text(
            "已收到 2 个文件，有网时转交县里", timeout=15_000
        )
        expect(page.get_by_test_id("receipts")).to_contain_text(files[0].name, timeout=5_000)
        assert "<script" not in page.content()
        receipt_box = page.get_by_test_id("receipts").bounding_box(timeout=10_000)
        assert receipt_box["x"] + receipt_box["width"] <= 360
    finally:
        context.close()

    assert relay.outbox.counts()["outbox"] == 2
    relay.run_pass(force=True)
    assert relay.outbox.counts() == {"outbox": 0, "forwarded": 2, "refused": 0}
    with county.app.app_context():
        rows = db.session.scalars(select(SyncBundle)).all()
        db.session.remove()
    assert sorted(r.records for r in rows) == [2, 3]
    for row in rows:
        assert before - timedelta(seconds=1) <= row.received_at <= row.imported_at
