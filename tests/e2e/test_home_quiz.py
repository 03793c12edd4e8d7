"""Home, bottom navigation, catalog categories and search, the quiz and the narration player,
walked offline in real Chromium once a pack is on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import read_store

from .screens import (
    GARDEN,
    PHONE,
    VERB,
    WELCOME,
    idb_all,
    idb_put,
    install,
    no_horizontal_scroll,
    server_records,
    start_screens_server,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def screens_server(tmp_path_factory, pwa_dist):
    server = start_screens_server(tmp_path_factory.mktemp("screens"), pwa_dist)
    yield server
    server.stop()


def test_home_shows_continue_packs_and_inbox_badge_offline(screens_server, page):
    server = screens_server
    install(page, server)
    page.goto(f"{server.url}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).to_contain_text(
        "保存在您的手机里", timeout=15_000
    )
    idb_put(
        page,
        "inbox",
        {
            "id": 7,
            "created": "2026-11-24T08:00:00Z",
            "title": {"zh-CN": "通知"},
            "body": {},
            "read": False,
        },
    )
    idb_put(
        page,
        "inbox",
        {"id": 8, "created": "2026-11-23T08:00:00Z", "title": {}, "body": {}, "read": True},
    )

    page.context.set_offline(True)
    page.goto(server.url + "/#/", timeout=20_000)
    cont = page.get_by_test_id("home-continue")
    expect(cont).to_have_attribute("data-lesson", "02-offline", timeout=15_000)
    expect(cont).to_contain_text("没有网络也能学")
    expect(cont).to_contain_text("学点入门")
    expect(page.get_by_test_id(f"home-pack-{WELCOME}")).to_contain_text("学点入门")
    expect(page.get_by_test_id(f"home-progress-{WELCOME}")).to_have_text("已学完 0/3 课")
    expect(page.get_by_test_id("home-inbox")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("home-inbox-count")).to_have_text("1")
    expect(page.get_by_test_id("home-inbox")).to_have_attribute("href", "#/inbox")
    expect(page.get_by_test_id("home-sync")).to_be_visible()
    expect(page.get_by_test_id("nav-home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("nav-catalog")).not_to_have_attribute("aria-current", "page")
    for item in ("home", "catalog", "learning", "more"):
        box = page.get_by_test_id(f"nav-{item}").bounding_box()
        assert box and box["height"] >= 48 and box["width"] >= 48, (item, box)
    assert no_horizontal_scroll(page)
    # Docked at the bottom of the screen; the page above it scrolls, so it covers nothing.
    nav = page.get_by_test_id("bottom-nav").bounding_box()
    assert nav and abs(nav["y"] + nav["height"] - 740) < 2, nav
    last = page.get_by_test_id("home-learning")
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert box and box["y"] + box["height"] <= nav["y"] + 1, (box, nav)

    # Continue opens the lesson, offline.
    cont.click()
    expect(page.get_by_test_id("lesson-title")).to_have_text("没有网络也能学", timeout=10_000)
    expect(page.get_by_test_id("nav-catalog")).to_have_attribute("aria-current", "page")

    # In English the same home screen reads in English.
    page.goto(server.url + "/#/", timeout=20_000)
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("home-continue")).to_contain_text("Learning without a network")
    expect(page.get_by_test_id("nav-learning")).to_have_text("My learning")


def test_catalog_categories_and_search_work_offline(screens_server, page):
    server = screens_server
    install(page, server)
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("catalog-offline")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id(f"size-{PHONE}")).to_contain_text("大小")

    expect(page.get_by_test_id("cat-all")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("cat-farming").click()
    expect(page.get_by_test_id("cat-farming")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id(f"pack-{GARDEN}")).to_be_visible()
    expect(page.get_by_test_id(f"pack-{WELCOME}")).to_have_count(0)
    expect(page.get_by_test_id(f"pack-{PHONE}")).to_have_count(0)
    page.get_by_test_id("cat-digital-skills").click()
    expect(page.get_by_test_id(f"pack-{PHONE}")).to_be_visible()
    expect(page.get_by_test_id(f"pack-{GARDEN}")).to_have_count(0)
    page.get_by_test_id("cat-all").click()
    expect(page.get_by_test_id(f"pack-{GARDEN}")).to_be_visible()

    # An installed lesson's title, in English while the app is in Chinese.
    search = page.get_by_label("搜索课程和课文")
    search.fill("without a NETWORK")
    hit = page.get_by_test_id(f"hit-{WELCOME}-02-offline")
    expect(hit).to_be_visible()
    expect(page.get_by_test_id(f"pack-{WELCOME}")).to_be_visible()
    expect(page.get_by_test_id(f"pack-{GARDEN}")).to_have_count(0)
    # Listed (not installed) packs are found by title or description, in both languages.
    search.fill("菜园")
    expect(page.get_by_test_id(f"pack-{GARDEN}")).to_be_visible()
    expect(page.get_by_test_id(f"pack-{WELCOME}")).to_have_count(0)
    search.fill("phone payments")
    expect(page.get_by_test_id(f"pack-{PHONE}")).to_be_visible()
    expect(page.get_by_test_id("search-count")).to_have_attribute("data-count", "1")
    search.fill("没有这种课")
    expect(page.get_by_test_id("search-count")).to_have_text("没有找到相关的课程或课文。")
    search.fill("没有网络也能")
    page.get_by_test_id(f"hit-{WELCOME}-02-offline").click()
    expect(page.get_by_test_id("lesson-content")).to_contain_text(
        "保存在您的手机里", timeout=15_000
    )


def outbox_quiz_records(page) -> list:
    rows = idb_all(page, "outbox")
    return [r for r in rows if r["verb"] in (VERB + "answered", VERB + "attempted")]


def test_quiz_offline_feedback_score_retry_and_records_reach_the_county(screens_server, page):
    server = screens_server
    install(page, server)
    page.context.set_offline(True)
    page.goto(f"{server.url}/#/pack/{WELCOME}", timeout=20_000)
    expect(page.get_by_test_id("pack-credits")).to_contain_text("0.5", timeout=15_000)
    page.get_by_test_id("quiz-01-welcome").click()
    expect(page.get_by_test_id("quiz-progress")).to_have_text("第 1 题，共 1 题", timeout=10_000)
    expect(page.get_by_test_id("quiz-question")).to_contain_text("没有网络还能学吗")

    page.get_by_test_id("quiz-choice-1").click()
    feedback = page.get_by_test_id("quiz-feedback")
    expect(feedback).to_have_attribute("data-correct", "false")
    expect(feedback).to_contain_text("答错了")
    expect(page.get_by_test_id("quiz-explanation")).to_have_text(
        "课程保存在手机里，打开就能学，不用网络。"
    )
    expect(page.get_by_test_id("quiz-answer")).to_contain_text("能，没有网络也能学")
    page.get_by_test_id("quiz-next").click()
    expect(page.get_by_test_id("quiz-score")).to_have_attribute("data-right", "0")
    expect(page.get_by_test_id("quiz-score")).to_contain_text("答对 0 题，共 1 题")

    # The second try by keyboard alone: the feedback takes focus, Tab reaches "next".
    page.get_by_test_id("quiz-retry").click()
    # A fresh try puts the focus on the quiz's heading; wait for it before moving on.
    expect(page.get_by_test_id("quiz-title")).to_be_focused()
    page.get_by_test_id("quiz-choice-0").focus()
    expect(page.get_by_test_id("quiz-choice-0")).to_be_focused()
    page.keyboard.press("Enter")
    expect(feedback).to_have_attribute("data-correct", "true")
    expect(feedback).to_contain_text("答对了")
    expect(feedback).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("quiz-next")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("quiz-score")).to_have_attribute("data-right", "1")
    expect(page.get_by_test_id("quiz-score")).to_contain_text("通过了")

    # The score shows as the quiz's last record is being written: wait for the write.
    def four_written():
        rows = outbox_quiz_records(page)
        return len(rows) >= 4 and rows

    records = sorted(
        wait_until(four_written, 15, "the quiz's records in the outbox", page=page),
        key=lambda r: r["device_seq"],
    )
    assert [(r["verb"].rsplit("/", 1)[1], r["object"]["item"]) for r in records] == [
        ("answered", "q1"),
        ("attempted", "quiz"),
        ("answered", "q1"),
        ("attempted", "quiz"),
    ]
    assert records[0]["object"] == {
        "pack": WELCOME,
        "version": 1,
        "lesson": "01-welcome",
        "item": "q1",
    }
    assert records[0]["result"] == {"success": False, "response": "1", "score": 0}
    assert records[1]["result"] == {"score": 0, "success": False}
    assert records[2]["result"] == {"success": True, "response": "0", "score": 1}
    assert records[3]["result"] == {"score": 1, "success": True}
    assert server_records(server) == [] or all(
        r.verb not in (VERB + "answered", VERB + "attempted") for r in server_records(server)
    )

    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    ids = {r["id"] for r in records}
    stored = {r.id: r for r in server_records(server) if r.id in ids}
    assert len(stored) == 4
    assert sorted(r.verb.rsplit("/", 1)[1] for r in stored.values()) == [
        "answered",
        "answered",
        "attempted",
        "attempted",
    ]
    assert outbox_quiz_records(page) == []
    # The county derives the lesson's best score from the quiz total the app sends
    # (item "quiz"), not from one question's score, and the phone gets it in the feed.
    page.wait_for_function(PROGRESS_BEST_SCORE, arg=["01-welcome", 1], timeout=30_000)

    # Passing the quiz is the lesson's evidence: marking it done now is verified at once.
    page.goto(f"{server.url}/#/lesson/{WELCOME}/01-welcome", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    page.get_by_test_id("complete-lesson").click()
    try:
        expect(page.get_by_test_id("lesson-saved")).to_have_attribute(
            "data-verified", "true", timeout=10_000
        )
    except AssertionError as error:
        # Seen once in a loaded CI run and not reproduced alone (82 runs): say what the
        # phone held, so a recurrence tells a missing score from a lookup that failed.
        held = {store: idb_all(page, store) for store in ("progress", "outbox")}
        held["active_learner"] = read_store(page, "meta", "active_learner")
        raise AssertionError(f"{error}\nthe phone held: {held}") from None

    def completions():
        return [r for r in server_records(server) if r.verb == VERB + "completed"]

    wait_until(completions, 60, "the completion reaches the county")
    (done,) = completions()
    assert (done.kind, done.lesson, done.engagement) == ("lesson", "01-welcome", "quiz")


PROGRESS_BEST_SCORE = """([lesson, score]) => new Promise((resolve) => {
    const open = indexedDB.open('xuedian');
    open.onsuccess = () => {
        const req = open.result.transaction('progress').objectStore('progress').getAll();
        req.onsuccess = () => {
            resolve((req.result || []).some((r) => r.lesson === lesson && r.best_score === score));
            open.result.close();
        };
    };
})"""


AUDIO_READY = """() => new Promise((resolve, reject) => {
    const audio = document.querySelector('[data-testid="lesson-audio"]');
    if (audio.readyState >= 1) return resolve(audio.duration);
    audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
    audio.addEventListener('error', () => reject(new Error('media error')), { once: true });
    setTimeout(() => reject(new Error('no metadata')), 15000);
})"""


def test_narration_player_speed_seek_and_skip_offline(screens_server, page):
    server = screens_server
    install(page, server)
    page.context.set_offline(True)
    page.goto(f"{server.url}/#/lesson/{WELCOME}/01-welcome", timeout=20_000)
    expect(page.get_by_test_id("lesson-audio")).to_be_attached(timeout=15_000)
    duration = page.evaluate(AUDIO_READY)
    assert duration > 20

    audio = page.get_by_test_id("lesson-audio")
    expect(page.get_by_test_id("audio-speed-1")).to_have_attribute("aria-pressed", "true")
    page.get_by_test_id("audio-speed-1.5").click()
    expect(page.get_by_test_id("audio-speed-1.5")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("audio-speed-1")).to_have_attribute("aria-pressed", "false")
    rate = "(r) => document.querySelector('[data-testid=lesson-audio]').playbackRate === r"
    # The player applies the speed in an effect after the render that presses the button.
    page.wait_for_function(rate, arg=1.5, timeout=5_000)
    page.get_by_test_id("audio-speed-0.75").click()
    page.wait_for_function(rate, arg=0.75, timeout=5_000)
    assert audio.evaluate("(a) => a.playbackRate") == 0.75

    page.get_by_test_id("audio-forward").click()
    page.get_by_test_id("audio-forward").click()
    assert abs(audio.evaluate("(a) => a.currentTime") - 20) < 0.5
    page.get_by_test_id("audio-back").click()
    assert abs(audio.evaluate("(a) => a.currentTime") - 10) < 0.5
    page.get_by_test_id("audio-seek").fill("5")
    assert abs(audio.evaluate("(a) => a.currentTime") - 5) < 0.5

    page.get_by_test_id("audio-play").click()
    expect(page.get_by_test_id("audio-play")).to_have_attribute(
        "data-playing", "true", timeout=10_000
    )
    page.wait_for_function(
        "() => document.querySelector('[data-testid=lesson-audio]').currentTime > 5.3",
        timeout=10_000,
    )
    page.get_by_test_id("audio-play").click()
    expect(page.get_by_test_id("audio-play")).to_have_attribute("data-playing", "false")
    for control in ("audio-back", "audio-play", "audio-forward", "audio-speed-1.25"):
        box = page.get_by_test_id(control).bounding_box()
        assert box and box["height"] >= 48 and box["width"] >= 48, (control, box)
