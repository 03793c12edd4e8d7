"""The resident's screens put what the person came for first, in real Chromium at 360x740:
offline with a record waiting, the lesson (not sync controls) leads the screen; the sync
state is one quiet line, and the export of a sync file lives on the sync screen and in
"More", and is offered on home only once records have waited for days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller
from support.phone import PACK, complete_lesson, download_pack

from .screens import idb_all, idb_put

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

THIRD = 740 / 3


def top_of(page, testid: str) -> float:
    return page.get_by_test_id(testid).evaluate("(e) => e.getBoundingClientRect().top")


def test_lesson_leads_the_screen_offline_with_a_record_waiting(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    page.context.set_offline(True)
    complete_lesson(page, base, "01-welcome")
    expect(page.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
    expect(page.get_by_test_id("offline-indicator")).to_be_visible(timeout=10_000)

    page.goto(f"{base}/#/lesson/{PACK}/02-offline", timeout=20_000)
    expect(page.get_by_test_id("lesson-title")).to_be_visible(timeout=15_000)
    assert top_of(page, "lesson-title") < THIRD
    # In English too, where the words are longer.
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("lesson-title")).to_have_text("Learning without a network")
    assert top_of(page, "lesson-title") < THIRD
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # The header's sync state is one line (the "sync now" button beside it), not a block.
    line = page.locator("#sync-status").evaluate("(e) => e.getBoundingClientRect().height")
    assert line <= 60, f"the sync line is {line}px tall"
    expect(page.get_by_test_id("export-sync")).to_have_count(0)

    # Exporting lives on the sync screen and in "More".
    page.get_by_test_id("sync-link").click()
    expect(page.get_by_test_id("sync-count")).to_have_text("1", timeout=10_000)
    expect(page.get_by_test_id("export-sync")).to_be_enabled()
    page.goto(base + "/#/settings", timeout=20_000)
    expect(page.get_by_test_id("export-sync")).to_be_enabled(timeout=10_000)

    # Home offers it only once the record has waited for days without a sync.
    page.goto(base + "/#/", timeout=20_000)
    expect(page.get_by_test_id("home-sync")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("export-offer")).to_have_count(0)
    (row,) = idb_all(page, "outbox")
    old = datetime.now(UTC) - timedelta(days=3)
    idb_put(page, "outbox", {**row, "timestamp": old.isoformat().replace("+00:00", "Z")})
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("export-offer")).to_have_attribute("data-days", "3", timeout=10_000)
    expect(page.get_by_test_id("export-offer").get_by_test_id("export-sync")).to_be_enabled()


def test_done_leads_to_the_quiz_and_the_next_lesson_and_home_says_what_next(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    complete_lesson(page, base, "01-welcome")
    # This lesson has a quiz: the quiz first, then the next lesson.
    expect(page.get_by_test_id("lesson-quiz")).to_be_visible(timeout=10_000)
    page.get_by_test_id("lesson-next").click()
    expect(page.get_by_test_id("lesson-content")).to_have_attribute(
        "data-lesson", "02-offline", timeout=15_000
    )
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)

    # "接着学" points at the next unfinished lesson, not the one just finished.
    page.get_by_test_id("nav-home").click()
    expect(page.get_by_test_id("home-continue")).to_have_attribute(
        "data-lesson", "03-sync", timeout=15_000
    )
    title = page.get_by_test_id("home-continue").locator(".continue-lesson").inner_text()
    expect(page.get_by_test_id("home-next")).to_contain_text(title)
    expect(page.get_by_test_id("home-next")).to_contain_text("下一步")


def test_words_follow_the_glossary_on_the_screens(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    complete_lesson(page, base, "01-welcome")
    complete_lesson(page, base, "02-offline")

    # Study time after two lessons says how long, not "0".
    page.goto(base + "/#/learning", timeout=20_000)
    hours = page.get_by_test_id("learning-hours")
    expect(hours).to_have_text(re.compile(r"分钟|小时"), timeout=15_000)
    expect(page.locator(".stats dt")).to_have_text(["学完几课", "学时", "学分", "学完几门课程"])

    page.goto(f"{base}/#/pack/{PACK}", timeout=20_000)
    credits = page.get_by_test_id("pack-credits")
    expect(credits).to_contain_text("学分", timeout=15_000)
    expect(credits).not_to_contain_text("学时")

    # Settings: the heading and the choice's legend differ, and no choice says 开/关.
    page.goto(base + "/#/settings", timeout=20_000)
    saver = page.get_by_test_id("setting-saver")
    expect(saver).to_be_visible(timeout=15_000)
    heading = page.locator("#saver-title").inner_text()
    assert heading != saver.locator("legend").inner_text()
    for text in saver.locator("label").all_inner_texts():
        assert not text.startswith(("开", "关")), text

    # The player says which language it speaks, in each language; the title follows.
    page.goto(f"{base}/#/lesson/{PACK}/01-welcome", timeout=20_000)
    expect(page.locator("#lesson-audio-label")).to_contain_text("普通话", timeout=15_000)
    expect(page).to_have_title("学点")
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=10_000)
    expect(page).to_have_title("Xuedian")
    page.goto(f"{base}/#/lesson/{PACK}/01-welcome", timeout=20_000)
    expect(page.locator("#lesson-audio-label")).to_contain_text("Mandarin", timeout=15_000)


def test_importing_ones_own_sync_file_says_to_give_it_to_the_volunteer(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    page.context.set_offline(True)
    complete_lesson(page, base, "01-welcome")
    page.goto(base + "/#/sync", timeout=20_000)
    with page.expect_download(timeout=15_000) as info:
        page.get_by_test_id("export-sync").click()
    path = info.value.path()

    page.goto(base + "/#/import", timeout=20_000)
    page.get_by_test_id("import-file").set_input_files(
        {
            "name": "from-phone.bin",
            "mimeType": "application/octet-stream",
            "buffer": Path(path).read_bytes(),
        }
    )
    note = page.get_by_test_id("import-sync-file")
    expect(note).to_contain_text("志愿者", timeout=10_000)
    expect(page.get_by_test_id("import-error")).to_have_count(0)
