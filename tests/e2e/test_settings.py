"""Settings, messages and "I want to learn…" in real Chromium, offline where a phone would be:
language, 200% text and high contrast persist; read-aloud is offered only where the phone
has a voice; data saver stops an update downloading by itself; deleting a pack frees its
blobs; a message from the county is marked read; a topic request waits in the outbox and then
reaches the county."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import read_store, wait_for_controller, wait_for_store
from support.county import cli
from support.phone import device_key

from .pack_server import WELCOME, blob_requests, download_welcome, idb_count, stored_blob_ids
from .test_pack_update import publish_welcome_v2
from .test_profiles import capture_batches

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

SAVE_DATA = """
Object.defineProperty(navigator, 'connection', {
  configurable: true,
  value: { saveData: true, effectiveType: '4g', addEventListener() {}, removeEventListener() {} },
});
"""
NO_SPEECH = (
    "Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: undefined });"
)
ASKED = "http://adlnet.gov/expapi/verbs/asked"
FAKE_VOICE = (
    "Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: Object.assign("
    "new EventTarget(), { getVoices: () => [{ name: 'Test', lang: 'zh-CN' }], speak() {},"
    " cancel() {} }) });"
)


def root_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_language_text_size_and_contrast_persist_offline(live_server, page):
    page.goto(f"{live_server.url}/#/settings", timeout=20_000)
    wait_for_controller(page)
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    expect(page.get_by_role("heading", name="更多")).to_be_visible(timeout=10_000)
    base_px = root_px(page)

    page.get_by_test_id("setting-lang-en").check()
    expect(page.get_by_role("heading", name="More", exact=True)).to_be_visible(timeout=5_000)
    page.get_by_test_id("setting-text-2").check()
    page.get_by_test_id("setting-contrast").check()
    assert root_px(page) == pytest.approx(2 * base_px)
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(0, 0, 0)"

    page.reload(timeout=20_000)
    expect(page.get_by_role("heading", name="More", exact=True)).to_be_visible(timeout=10_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert root_px(page) == pytest.approx(2 * base_px)
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    expect(page.get_by_test_id("setting-text-2")).to_be_checked()
    # At 200% a 360 px phone still shows the screen without sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_test_id("setting-lang-zh-CN").check()
    page.get_by_test_id("setting-text-1").check()
    expect(page.get_by_role("heading", name="更多")).to_be_visible(timeout=5_000)
    assert root_px(page) == pytest.approx(base_px)


def test_data_saver_stops_an_update_downloading_by_itself(server, page, tmp_path):
    download_welcome(page, server)
    # No app document may run while v2 appears: the one that downloaded v1 would look for
    # updates 2 s after its start, before the data-saver init script below applies.
    page.goto("about:blank")
    publish_welcome_v2(server, tmp_path)
    server.bytes.clear()

    # The phone asks to save data: the newer version waits.
    page.add_init_script(SAVE_DATA)
    page.goto(f"{server.url}/#/settings", timeout=20_000)
    expect(page.get_by_test_id("auto-download")).to_have_attribute("data-allowed", "false")
    # Auto-update looks 2 s after start-up and says what it decided.
    expect(page.locator("html")).to_have_attribute("data-auto-update", "blocked", timeout=15_000)
    assert read_store(page, "packs", WELCOME)["version"] == 1
    assert idb_count(page, "downloads") == 0
    assert blob_requests(server) == []

    # Data saver off: the update starts by itself and fetches only what changed.
    page.get_by_test_id("setting-saver-off").check()
    expect(page.get_by_test_id("auto-download")).to_have_attribute("data-allowed", "true")
    wait_until(
        lambda: read_store(page, "packs", WELCOME)["version"] == 2,
        30,
        "the update to start by itself",
        page=page,
    )
    assert len(blob_requests(server)) >= 1
    assert {e.path for e in blob_requests(server)} <= {f"/blobs/{b}" for b in stored_blob_ids(page)}


def test_data_saver_auto_follows_a_slow_link_and_on_off_override_it(live_server, page):
    page.add_init_script(SAVE_DATA.replace("saveData: true", "saveData: false").replace("4g", "2g"))
    page.goto(f"{live_server.url}/#/settings", timeout=20_000)
    allowed = page.get_by_test_id("auto-download")
    expect(page.get_by_test_id("setting-saver-auto")).to_be_checked(timeout=15_000)
    expect(allowed).to_have_attribute("data-allowed", "false")  # a 2G link
    page.get_by_test_id("setting-saver-off").check()
    expect(allowed).to_have_attribute("data-allowed", "true")
    page.get_by_test_id("setting-saver-on").check()
    expect(allowed).to_have_attribute("data-allowed", "false")
    expect(allowed).to_have_text("现在：不会自己下载，请在课程目录里点“更新”。")
    assert json.loads(page.evaluate("localStorage.getItem('xuedian-settings')"))["dataSaver"]


def test_delete_a_pack_offline_frees_its_blobs_and_read_aloud_follows_the_phone(server, page):
    download_welcome(page, server)
    assert stored_blob_ids(page)
    base = server.url
    page.context.set_offline(True)

    # Read-aloud: off by default; on, the lesson offers "read this page" (a phone with a voice).
    voiced = page.context.new_page()
    voiced.add_init_script(FAKE_VOICE)
    voiced.goto(f"{base}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(voiced.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    expect(voiced.get_by_test_id("read-aloud")).to_have_count(0)
    voiced.goto(f"{base}/#/settings", timeout=20_000)
    voiced.get_by_test_id("setting-read-aloud").check()
    voiced.goto(f"{base}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(voiced.get_by_test_id("read-aloud")).to_have_text("朗读本页", timeout=15_000)
    voiced.close()
    # A phone without speechSynthesis is not offered the switch; the button, turned on
    # before, plays the lesson's narration instead (tests/e2e/test_listen.py).
    mute = page.context.new_page()
    mute.add_init_script(NO_SPEECH)
    mute.goto(f"{base}/#/settings", timeout=20_000)
    expect(mute.get_by_test_id("read-aloud-missing")).to_be_visible(timeout=10_000)
    expect(mute.get_by_test_id("setting-read-aloud")).to_have_count(0)
    mute.close()

    page.goto(f"{base}/#/settings", timeout=20_000)
    expect(page.get_by_test_id("storage-used")).to_be_visible(timeout=10_000)
    size = page.get_by_test_id(f"stored-size-{WELCOME}")
    expect(size).not_to_have_text("0 KB")
    page.get_by_test_id(f"delete-{WELCOME}").click()
    # Asked first: cancelling keeps it.
    page.get_by_test_id(f"cancel-delete-{WELCOME}").click()
    assert read_store(page, "packs", WELCOME) is not None
    page.get_by_test_id(f"delete-{WELCOME}").click()
    page.get_by_test_id(f"confirm-delete-{WELCOME}").click()
    expect(page.get_by_test_id("storage-note")).to_contain_text("已删除", timeout=10_000)
    expect(page.get_by_test_id("storage-none")).to_be_visible()
    assert read_store(page, "packs", WELCOME) is None
    assert stored_blob_ids(page) == set()

    # The catalog (from its saved copy, offline) offers the course again.
    # `#/catalog` (`#/` is the home screen once it lands; today any unknown hash is the catalog).
    page.goto(f"{base}/#/catalog", timeout=20_000)
    expect(page.get_by_test_id(f"download-{WELCOME}")).to_be_visible(timeout=15_000)
    page.goto(f"{base}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(page.get_by_test_id("lesson-missing")).to_be_visible(timeout=15_000)


def test_message_arrives_through_the_feed_and_is_marked_read_offline(live_server, page):
    base = live_server.url
    page.goto(f"{base}/#/inbox", timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id("inbox-empty")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)
    me = device_key(page)["device_id"]
    for n in (1, 2):
        title = ["--title-zh", f"通知{n}", "--title-en", f"Notice {n}"]
        body = ["--body-zh", f"内容{n}", "--body-en", f"Body {n}"]
        cli(live_server, "inbox", "send", *title, *body, "--device", me[:8])
    page.get_by_test_id("sync-now").click(timeout=30_000)
    expect(page.get_by_test_id("inbox-unread")).to_have_attribute("data-count", "2", timeout=15_000)

    page.context.set_offline(True)
    page.reload(timeout=20_000)
    first, second = sorted(m["id"] for m in read_store(page, "inbox"))
    expect(page.get_by_test_id(f"message-{second}")).to_contain_text("通知2", timeout=10_000)
    page.get_by_test_id(f"message-read-{first}").click()
    expect(page.get_by_test_id(f"message-{first}")).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id(f"message-{second}")).to_have_attribute("data-read", "false")
    expect(page.get_by_test_id("inbox-unread")).to_have_attribute("data-count", "1")
    page.reload(timeout=20_000)
    expect(page.get_by_test_id(f"message-{first}")).to_have_attribute(
        "data-read", "true", timeout=10_000
    )
    page.get_by_test_id("inbox-mark-read").click()
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0, timeout=10_000)
    assert all(m["read"] for m in read_store(page, "inbox"))


def test_topic_request_is_kept_offline_then_reaches_the_county(live_server, page):
    from xuedian.extensions import db
    from xuedian.sync.models import LearningRecord

    base = live_server.url
    bodies = capture_batches(live_server)
    page.goto(f"{base}/#/settings", timeout=20_000)
    wait_for_controller(page)
    page.context.set_offline(True)
    page.get_by_test_id("go-request").click()

    page.get_by_test_id("request-send").click()
    expect(page.get_by_test_id("request-error")).to_have_text("请写下想学的内容。")
    topic = page.get_by_test_id("request-topic")
    topic.fill("怎样用手机挂号看病")
    expect(page.get_by_test_id("request-count")).to_have_text("9/200 字")
    topic.fill("x" * 250)
    expect(page.get_by_test_id("request-count")).to_have_text("200/200 字")
    topic.fill("怎样用手机挂号看病")
    page.get_by_test_id("request-category").select_option("health")
    page.get_by_test_id("request-send").click()
    expect(page.get_by_test_id("request-saved")).to_be_visible(timeout=10_000)
    item = page.get_by_test_id("request-item")
    expect(item).to_have_attribute("data-sent", "false")
    expect(item).to_contain_text("健康 · 等待发送")

    (record,) = read_store(page, "outbox")
    assert record["verb"] == ASKED
    assert record["object"] == {"topic": "怎样用手机挂号看病", "category": "health"}
    assert "result" not in record
    assert record["learner"] == read_store(page, "meta", "active_learner")
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("request-item")).to_contain_text(
        "怎样用手机挂号看病", timeout=10_000
    )
    assert bodies == []

    page.context.set_offline(False)
    expect(page.get_by_test_id("request-item")).to_have_attribute(
        "data-sent", "true", timeout=30_000
    )
    wait_for_store(page, "outbox", None, want=[])
    sent = [r for b in bodies for r in b["signed"]["records"]]
    assert [r["id"] for r in sent] == [record["id"]]
    with live_server.app.app_context():
        (stored,) = db.session.scalars(select(LearningRecord)).all()
        assert stored.verb == ASKED and stored.object == record["object"]
        db.session.remove()
    expect(page.get_by_test_id("request-item")).to_contain_text("已发送")
