"""Sync faults on a real phone browser: the network cut mid-upload, the tab closed
mid-sync, 10,000 records backed up, a database that stays busy, a clock a year off. After
each, the county holds every record exactly once and the phone's outbox is empty."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import wait_for_controller
from support.county import upload_bundle
from support.phone import complete_lesson, device_key, download_pack

from xuedian.core.timeutil import parse_iso
from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord

from .conftest import SYNC_PATH, start_live_server
from .outbox_faults import (
    NO_BACKGROUND_SYNC,
    WATCH_STATUS,
    clock_shift_script,
    fill_outbox,
    outbox_rows,
    server_state,
    watch_uploads,
)

pytestmark = pytest.mark.e2e

BUSY_MS = 300
YEAR_MS = 365 * 24 * 3600 * 1000
YEAR = 365
BUSY_TEXT = "服务器正忙，学习记录都还在手机里，稍后会自动重试。"


def open_app(page, url: str) -> None:
    page.goto(url + "/", timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=10_000)


def assert_drained(live_server, page, count: int) -> dict:
    """Every one of ``count`` records stored once, in order, and none left on the phone."""
    state = server_state(live_server)
    assert state["records"] == state["distinct"] == count
    assert state["rejected"] == 0
    (max_seq,) = state["max_seq"].values()
    assert max_seq == count
    assert outbox_rows(page) == []
    return state


def sync_posts(page) -> list:
    """Collect the sync uploads the page starts, as the browser sees them."""
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and r.url.endswith(SYNC_PATH) else None,
    )
    return posts


@pytest.mark.timeout(120)
def test_network_cut_mid_upload_then_outbox_drains_exactly_once(live_server, page):
    watch = watch_uploads(live_server)
    open_app(page, live_server.url)
    posts = sync_posts(page)
    fill_outbox(page, 1_200)
    expect(page.get_by_test_id("outbox-count")).to_have_text("1200", timeout=10_000)

    # 1. On a slow uplink (2 KB/s: a 500-record batch, about 10 KB gzip, takes ~5 s to go
    # up), the link drops just after the first batch's headers reached the county.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 2_000},
    )
    watch.hold(1, when="before", cut=True)
    page.get_by_test_id("sync-now").click()
    assert watch.holding.wait(30), "the first batch never reached the server"
    page.context.set_offline(True)
    watch.release.set()
    assert watch.uploads[0].done.wait(30)
    # The uplink is fast again (still offline); the phone sees its upload fail.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    wait_until(lambda: posts and posts[0].failure, 30, "the cut upload to fail", page=page)
    expect(page.get_by_test_id("offline-indicator")).to_be_visible(timeout=10_000)
    assert server_state(live_server)["records"] == 0
    assert len(outbox_rows(page)) == 1_200
    expect(page.get_by_test_id("outbox-count")).to_have_text("1200")

    # 2. Back online, the second batch is stored by the county and the link drops before
    # its receipt comes back.
    watch.hold(3, when="after", cut=True)
    cdp.detach()
    page.context.set_offline(False)
    assert watch.holding.wait(60), "the second batch never reached the server"
    page.context.set_offline(True)
    watch.release.set()
    assert watch.uploads[2].done.wait(30)
    expect(page.get_by_test_id("offline-indicator")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("outbox-count")).to_have_text("700", timeout=10_000)
    assert watch.outcomes() == ["cut unread", "200", "cut"]
    cut = server_state(live_server)
    assert (cut["records"], cut["batches"], cut["accepted"]) == (1_000, 2, 1_000)
    assert len(outbox_rows(page)) == 700

    # 3. Back online for good: the phone asks the changes feed first, whose county ack
    # clears the 500 stored without a receipt; only the 200 never sent go up.
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    state = assert_drained(live_server, page, 1_200)
    assert (state["batches"], state["accepted"], state["duplicate"]) == (3, 1_200, 0)
    # (The phone may also have tried while offline: such posts never reach the county.)
    assert watch.outcomes() == ["cut unread", "200", "cut", "200"]
    assert len(posts) >= 4
    print(f"\nnetwork cut: server saw {watch.outcomes()}")


@pytest.mark.timeout(120)
def test_tab_closed_mid_sync_new_tab_sends_the_rest_exactly_once(live_server, page):
    watch = watch_uploads(live_server)
    open_app(page, live_server.url)
    fill_outbox(page, 1_200)
    expect(page.get_by_test_id("outbox-count")).to_have_text("1200", timeout=10_000)

    # The second batch's request has started and is held at the county: no answer yet.
    watch.hold(2, when="before")
    page.get_by_test_id("sync-now").click()
    assert watch.holding.wait(30), "the second batch never reached the server"
    expect(page.get_by_test_id("outbox-count")).to_have_text("700", timeout=10_000)
    page.close()

    # The resident opens the app again: it sends what has no receipt, at once.
    again = page.context.new_page()
    again.add_init_script(f"({WATCH_STATUS})()")
    again.goto(live_server.url + "/", timeout=20_000)
    wait_until(lambda: outbox_rows(again) == [], 60, "the new tab to send the rest", page=again)
    expect(again.get_by_test_id("outbox-count")).to_have_text("0", timeout=10_000)
    # Its status line never said "0 waiting" before it had read the outbox.
    shown = [v for v in again.evaluate("window.__xdSeen") if v.isdigit()]
    assert shown[0] == "700" and shown[-1] == "0" and "0" not in shown[:-1], shown
    middle = server_state(live_server)
    assert (middle["records"], middle["accepted"], middle["duplicate"]) == (1_200, 1_200, 0)

    # The closed tab's request, held all along, reaches the app only now.
    watch.release.set()
    assert watch.uploads[1].done.wait(30)
    state = assert_drained(live_server, again, 1_200)
    stored_late = watch.uploads[1].status == 200
    assert state["accepted"] == 1_200
    assert state["duplicate"] == (500 if stored_late else 0)
    assert state["batches"] == 3 + stored_late
    print(f"\ntab closed: server saw {watch.outcomes()}")


@pytest.mark.timeout(180)
def test_ten_thousand_backed_up_records_drain_exactly_once(live_server, page):
    watch = watch_uploads(live_server)
    open_app(page, live_server.url)
    page.context.set_offline(True)
    started = time.monotonic()
    fill_outbox(page, 10_000)
    filled = time.monotonic() - started
    expect(page.get_by_test_id("outbox-count")).to_have_text("10000", timeout=30_000)
    page.evaluate(WATCH_STATUS)

    started = time.monotonic()
    page.context.set_offline(False)
    # While it drains, the page keeps answering (a round trip into its main thread).
    slowest = 0.0
    count = page.get_by_test_id("outbox-count")
    deadline = started + 90
    while True:
        asked = time.monotonic()
        text = count.text_content(timeout=5_000)
        slowest = max(slowest, time.monotonic() - asked)
        if text == "0" or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    drained = time.monotonic() - started
    assert text == "0", f"still {text} waiting after 90 s"

    seen = [int(v) for v in page.evaluate("window.__xdSeen") if v.isdigit()]
    stall_ms = page.evaluate("window.__xdStall")
    state = assert_drained(live_server, page, 10_000)
    assert (state["batches"], state["accepted"], state["duplicate"]) == (20, 10_000, 0)
    assert watch.outcomes() == ["200"] * 20
    # The status line counted down as batches were acknowledged, never up.
    assert seen[0] == 10_000 and seen[-1] == 0
    assert seen == sorted(seen, reverse=True)
    assert len(seen) >= 8, seen
    assert all(v % 500 == 0 for v in seen)
    assert slowest < 3.0
    print(
        f"\n10,000 records: filled in {filled:.1f} s; drained in {drained:.1f} s "
        f"({10_000 / drained:.0f} records/s, 20 batches); status showed {len(seen)} values; "
        f"longest main-thread stall {stall_ms:.0f} ms; slowest page answer {slowest * 1000:.0f} ms"
    )


@pytest.fixture
def busy_server(tmp_path, pwa_dist, monkeypatch):
    """The live server on SQLite, waiting at most 300 ms for a locked database."""
    monkeypatch.setenv("XUEDIAN_SQLITE_BUSY_MS", str(BUSY_MS))
    server = start_live_server(tmp_path / "instance", pwa_dist)
    yield server
    server.stop()


@contextmanager
def sqlite_write_locked(path):
    """Hold SQLite's write lock (BEGIN IMMEDIATE) from another connection in the block."""
    conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
    conn.isolation_level = None
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.timeout(120)
def test_database_busy_is_retried_with_backoff_not_rejected(busy_server, page, tmp_path):
    watch = watch_uploads(busy_server)
    open_app(page, busy_server.url)
    fill_outbox(page, 1)
    page.get_by_test_id("sync-now").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=20_000)

    page.context.set_offline(True)
    fill_outbox(page, 300)
    expect(page.get_by_test_id("outbox-count")).to_have_text("300", timeout=10_000)
    with sqlite_write_locked(tmp_path / "instance" / "xuedian.sqlite3"):
        page.context.set_offline(False)
        error = page.get_by_test_id("sync-error")
        expect(error).to_have_text(
            "服务器正忙，学习记录都还在手机里，稍后会自动重试。", timeout=20_000
        )
        assert watch.outcomes() == ["200", "503"]
        # Kept, not quarantined, and not sent again in a tight loop.
        rows = outbox_rows(page)
        assert len(rows) == 300 and not any(r["quarantine"] for r in rows)
        expect(page.get_by_test_id("quarantined")).to_have_count(0)
        expect(page.get_by_test_id("outbox-count")).to_have_text("300")
        assert server_state(busy_server)["records"] == 1

    # The lock is gone: the phone's backoff timer sends the batch again by itself.
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    expect(error).to_have_count(0)
    assert watch.outcomes() == ["200", "503", "200"]
    # Not sent again in a tight loop: the retry waited out the phone's first backoff (5 s,
    # less at most 20 % of jitter) from the busy answer, which came after the request began.
    busy, retry = watch.uploads[1], watch.uploads[2]
    assert retry.started - busy.started >= 4.0, retry.started - busy.started
    state = assert_drained(busy_server, page, 301)
    assert (state["batches"], state["accepted"], state["duplicate"]) == (2, 301, 0)


def export_bundle(page) -> bytes:
    """Export from the sync screen (the header's sync line opens it)."""
    page.get_by_test_id("sync-link").click()
    with page.expect_download(timeout=15_000) as info:
        page.get_by_test_id("export-sync").click()
    expect(page.get_by_test_id("export-done")).to_be_visible(timeout=10_000)
    return Path(info.value.path()).read_bytes()


def uuid7_time(record_id: str) -> datetime:
    return datetime.fromtimestamp(int(record_id.replace("-", "")[:12], 16) / 1000, UTC)


def stored_by_lesson(live_server, device_id: str) -> dict:
    with live_server.app.app_context():
        rows = db.session.scalars(
            select(LearningRecord).where(LearningRecord.device_id == device_id)
        ).all()
        db.session.remove()
    return {r.object["lesson"]: r for r in rows}


def heartbeat(live_server, device_id: str) -> tuple[dict, datetime]:
    with live_server.app.app_context():
        device = db.session.get(Device, device_id)
        db.session.remove()
    return device.last_status, device.last_status_at


def near(moment: datetime, days: int, slack: timedelta = timedelta(minutes=10)) -> bool:
    return abs(moment - (datetime.now(UTC) + timedelta(days=days))) < slack


@pytest.mark.timeout(150)
def test_phone_clock_a_year_off_keeps_device_times_and_exact_counts(live_server, page, new_context):
    base = live_server.url
    # A year ahead, on a phone without Background Sync so every batch is signed by the page.
    page.add_init_script(clock_shift_script(YEAR_MS))
    page.add_init_script(NO_BACKGROUND_SYNC)
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    assert page.evaluate("new Date().getFullYear()") == datetime.now(UTC).year + 1
    download_pack(page)
    ahead = device_key(page)["device_id"]

    page.context.set_offline(True)
    complete_lesson(page, base, "01-welcome")
    # A volunteer hands in a file made by the clock a year ahead...
    first = upload_bundle(base, export_bundle(page))["bundles"][0]
    assert (first["accepted"], first["duplicate"]) == (1, 0)
    assert parse_iso(first["made_at"]).year == datetime.now(UTC).year + 1
    status, _ = heartbeat(live_server, ahead)
    assert status["unsent"] == 1 and near(parse_iso(status["created"]), YEAR), status

    # ...then the clock is put right, and the next file must still count as the newer one.
    page.evaluate("globalThis.__xdClockShift = 0")
    complete_lesson(page, base, "02-offline")
    expect(page.get_by_test_id("outbox-count")).to_have_text("2")
    second = upload_bundle(base, export_bundle(page))["bundles"][0]
    assert (second["accepted"], second["duplicate"]) == (1, 1)
    status, at = heartbeat(live_server, ahead)
    assert status["unsent"] == 2 and near(parse_iso(status["created"]), 0), (status, at)

    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    records = stored_by_lesson(live_server, ahead)
    assert sorted(records) == ["01-welcome", "02-offline"]
    times = {k: (r.id, r.timestamp, r.received_at) for k, r in records.items()}
    assert near(records["01-welcome"].timestamp, YEAR), times
    assert near(uuid7_time(records["01-welcome"].id), YEAR), times
    assert near(records["02-offline"].timestamp, 0), times
    for record in records.values():
        assert near(record.received_at, 0), times
    status, status_at = heartbeat(live_server, ahead)
    assert near(status_at, 0)

    # A year behind: learns online, synced at once.
    context = new_context()
    behind_page = context.new_page()
    behind_page.add_init_script(clock_shift_script(-YEAR_MS))
    behind_page.add_init_script(NO_BACKGROUND_SYNC)
    behind_page.goto(base + "/", timeout=20_000)
    wait_for_controller(behind_page)
    assert behind_page.evaluate("new Date().getFullYear()") == datetime.now(UTC).year - 1
    download_pack(behind_page)
    behind = device_key(behind_page)["device_id"]
    complete_lesson(behind_page, base, "03-sync")
    wait_until(lambda: outbox_rows(behind_page) == [], 60, "the sync", page=behind_page)
    (record,) = stored_by_lesson(live_server, behind).values()
    assert near(record.timestamp, -YEAR) and near(uuid7_time(record.id), -YEAR)
    assert near(record.received_at, 0)
    status, status_at = heartbeat(live_server, behind)
    assert near(parse_iso(status["created"]), -YEAR) and near(status_at, 0)

    state = server_state(live_server)
    assert state["records"] == state["distinct"] == 3
    assert state["max_seq"] == {ahead: 2, behind: 1}
    assert outbox_rows(page) == [] and outbox_rows(behind_page) == []
