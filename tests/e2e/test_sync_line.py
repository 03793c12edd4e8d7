"""The sync line's "上次同步" in real Chromium on a 360 px phone in the county's timezone, with
a fixed clock: only the time when the last sync was today, the date and time on another day,
the date with its year in another year; and it never breaks across two lines or runs off
the screen, in zh-CN and English, at 100% and 200% text."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .screens import idb_put
from .test_shell import wait_for_controller

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

COUNTY = "Asia/Shanghai"
#: The phone's clock: 30 November 2026, 10:00 in the county.
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo(COUNTY))
#: Stored last-sync times (UTC) and what the line shows for each, per language.
CASES = [
    ("2026-11-30T01:04:00.000Z", {"zh-CN": "09:04", "en": "09:04"}),  # today
    ("2026-11-29T01:04:00.000Z", {"zh-CN": "11/29 09:04", "en": "Nov 29 09:04"}),  # yesterday
    # Around local midnight: the day is the county's, not UTC's.
    ("2026-11-29T16:30:00.000Z", {"zh-CN": "00:30", "en": "00:30"}),
    ("2026-11-29T15:30:00.000Z", {"zh-CN": "11/29 23:30", "en": "Nov 29 23:30"}),
    ("2025-12-31T15:30:00.000Z", {"zh-CN": "2025/12/31", "en": "Dec 31, 2025"}),  # last year
]


@pytest.fixture
def browser_context_args(browser_context_args):
    """The phone is in the county: its clock is the county's."""
    return {**browser_context_args, "timezone_id": COUNTY}


def _offline_app(page, url: str) -> None:
    """The installed app with a fixed clock, offline (no sync at start rewrites the time)."""
    page.clock.set_fixed_time(NOW)
    page.goto(url, timeout=20_000)
    wait_for_controller(page)
    page.context.set_offline(True)


def _show_last_sync(page, iso: str) -> None:
    idb_put(page, "meta", iso, "last_synced")
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("last-synced")).to_have_attribute("datetime", iso, timeout=10_000)


def _one_line_on_screen(page) -> None:
    box = page.get_by_test_id("last-synced").evaluate(
        """(e) => ({ lines: e.getClientRects().length, right: e.getBoundingClientRect().right,
                     width: innerWidth, text: e.textContent })"""
    )
    assert box["lines"] == 1, f"the sync time wraps: {box}"
    assert box["right"] <= box["width"], f"the sync time runs off the screen: {box}"


@pytest.mark.parametrize("scale", [1, 2])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_sync_line_shows_the_date_when_not_today_on_one_line(live_server, page, lang, scale):
    _offline_app(page, live_server.url + "/#/sync")
    page.evaluate(
        """([settings, lang]) => { localStorage.setItem('xuedian-settings', settings);
                                   localStorage.setItem('xuedian-lang', lang); }""",
        [json.dumps({"textScale": scale}), lang],
    )
    when = page.get_by_test_id("last-synced")
    for iso, shown in CASES:
        _show_last_sync(page, iso)
        expect(when).to_have_text(shown[lang])
        _one_line_on_screen(page)
        # "离线" in the header's line never breaks either.
        offline = page.get_by_test_id("offline-indicator")
        expect(offline).to_be_visible()
        tops = offline.evaluate(
            "(e) => { const r = document.createRange(); r.selectNodeContents(e);"
            " return new Set([...r.getClientRects()].filter((b) => b.width > 0)"
            ".map((b) => Math.round(b.top))).size; }"
        )
        assert tops == 1, f"the offline badge wraps onto {tops} lines"
    root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root >= 39 if scale == 2 else root < 21  # 200% text really applied (or not)
    label = "上次同步 11/29 23:30" if lang == "zh-CN" else "last synced Nov 29 23:30"
    _show_last_sync(page, CASES[3][0])
    expect(page.get_by_test_id("sync-full")).to_contain_text(label)
    # The header's one-line sync state says it to a screen reader too.
    assert label in page.get_by_test_id("sync-link").get_attribute("aria-label")
