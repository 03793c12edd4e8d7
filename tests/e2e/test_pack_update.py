"""Pack updates, storage limits and offline lessons on the phone, in real Chromium: an
update fetches only changed blobs, a download that cannot fit is refused, and a lesson plays
from the blob cache with its picture and seekable narration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT
from .pack_server import (
    BIG,
    WELCOME,
    blob_requests,
    catalog_entry,
    download_welcome,
    idb_count,
    open_catalog,
    reopen_paused,
    size_text,
    stored_blob_ids,
    watch_blob_requests,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def publish_welcome_v2(server, tmp_path: Path) -> dict:
    """Publish v2 of the welcome pack in which one lesson's English text changed."""
    from xuedian.packs.builder import build
    from xuedian.packs.service import publish

    source = tmp_path / "v2" / WELCOME
    shutil.copytree(ROOT / "content_packs" / WELCOME, source)
    meta = source / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("version: 1", "version: 2"), "utf-8")
    lesson = source / "lessons" / "02-offline.en.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nUpdated in version 2.\n", "utf-8")
    with server.app.app_context():
        built = build(source, tmp_path / "v2-out", server.app.extensions["xuedian.keyring"])
        publish(built.archive)
    return catalog_entry(server, WELCOME)


def test_update_fetches_only_changed_blobs_and_keeps_v1_until_activation(server, page, tmp_path):
    import json

    # Updates by hand here: with data saver off the app would start this one by itself.
    page.add_init_script(
        "localStorage.setItem('xuedian-settings', JSON.stringify({dataSaver: true}))"
    )
    download_welcome(page, server)
    v1 = stored_blob_ids(page)
    entry = publish_welcome_v2(server, tmp_path)
    assert entry["version"] == 2
    v2 = {b["id"]: b for b in json.loads(entry["manifest"])["signed"]["blobs"]}
    new = set(v2) - v1
    assert len(new) == 1, "only the text blob changes"
    (text_blob,) = new
    assert v2[text_blob]["codec"] == "gzip"

    server.bytes.clear()
    page.reload(timeout=20_000)
    size = page.get_by_test_id(f"size-{WELCOME}")
    expect(size).to_have_text(f"更新 {size_text(v2[text_blob]['size'])}", timeout=15_000)
    expect(page.get_by_test_id(f"updatable-{WELCOME}")).to_be_visible()

    # Hold the blob answers: the update is under way and v1 must stay readable meanwhile.
    server.bytes.hold.clear()
    page.get_by_test_id(f"update-{WELCOME}").click()
    expect(page.get_by_test_id(f"progress-{WELCOME}")).to_be_visible(timeout=10_000)
    reader = page.context.new_page()
    reader.goto(f"{server.url}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(reader.get_by_test_id("lesson-content")).to_contain_text(
        "保存在您的手机里", timeout=15_000
    )
    assert stored_blob_ids(reader) == v1
    server.bytes.hold.set()

    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=30_000)
    assert {e.path for e in blob_requests(server)} == {f"/blobs/{text_blob}"}
    assert stored_blob_ids(page) == set(v2), "v1's text blob was collected"

    reader.get_by_test_id("lang-toggle").click()
    reader.goto(f"{server.url}/#/lesson/{WELCOME}/01-welcome", timeout=20_000)
    reader.goto(f"{server.url}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(reader.get_by_test_id("lesson-content")).to_contain_text(
        "Updated in version 2.", timeout=15_000
    )


def limit_quota(page, server, quota: int) -> None:
    """Give the origin a small quota. The CDP override makes Chromium enforce it, but this
    build's navigator.storage.estimate() does not report it, so estimate() is shimmed to."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url, "quotaSize": quota})
    page.add_init_script(
        f"""(() => {{
            const estimate = StorageManager.prototype.estimate;
            StorageManager.prototype.estimate = async function () {{
                return {{ ...(await estimate.call(this)), quota: {quota} }};
            }};
        }})()"""
    )


def test_download_refused_when_storage_is_short(server, page):
    open_catalog(page, server)
    limit_quota(page, server, 1_000_000)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("storage-left")).to_contain_text("手机剩余空间", timeout=10_000)
    page.get_by_test_id(f"download-{BIG}").click()
    error = page.get_by_test_id(f"error-{BIG}")
    expect(error).to_contain_text("这门课需要 2.9 MB，手机只剩", timeout=10_000)
    expect(error).to_contain_text("已保存的学习记录都还在")
    assert blob_requests(server) == []
    assert stored_blob_ids(page) == set()
    assert idb_count(page, "downloads") == 0
    assert idb_count(page, "chunks") == 0
    expect(page.get_by_test_id(f"download-{BIG}")).to_be_enabled()


def test_storage_filling_up_mid_download_pauses_it(server, page):
    open_catalog(page, server)
    cdp = page.context.new_cdp_session(page)
    # Enforced but not reported (see limit_quota): the up-front check passes, writes fail.
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url, "quotaSize": 1_500_000})
    page.get_by_test_id(f"download-{BIG}").click()
    expect(page.get_by_test_id(f"state-{BIG}")).to_have_text("已暂停", timeout=30_000)
    expect(page.get_by_test_id(f"error-{BIG}")).to_contain_text("手机存储空间已满")
    expect(page.get_by_test_id(f"resume-{BIG}")).to_be_visible()
    requests = watch_blob_requests(page)
    reopen_paused(page, BIG)
    expect(page.get_by_test_id(f"error-{BIG}")).to_contain_text("手机存储空间已满")
    assert requests == []
    assert idb_count(page, "downloads") == 1


SEEK_AUDIO = """async () => {
    const audio = document.querySelector('[data-testid="lesson-audio"]');
    const event = (name) => new Promise((resolve, reject) => {
        audio.addEventListener(name, resolve, { once: true });
        const fail = () => reject(new Error(`media error ${audio.error?.code}`));
        audio.addEventListener('error', fail, { once: true });
        setTimeout(() => reject(new Error(`no ${name} event`)), 15000);
    });
    if (audio.readyState < 1) await event('loadedmetadata');
    const seeked = event('seeked');
    audio.currentTime = audio.duration / 2;
    await seeked;
    if (audio.readyState < 2) await event('loadeddata');
    const { duration, currentTime, readyState } = audio;
    return { duration, currentTime, readyState };
}"""


def test_lesson_offline_shows_image_and_seeks_audio(server, page):
    download_welcome(page, server)
    ranges = []
    page.on(
        "response",
        lambda r: (
            "/content/" in r.url
            and r.request.headers.get("range")
            and ranges.append((r.status, r.from_service_worker, r.headers.get("content-range")))
        ),
    )
    page.context.set_offline(True)
    page.goto(f"{server.url}/#/lesson/{WELCOME}/01-welcome", timeout=20_000)
    image = page.get_by_test_id("lesson-content").locator("img")
    expect(image).to_be_visible(timeout=15_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=lesson-content] img')?.naturalWidth > 0",
        timeout=10_000,
    )
    expect(page.get_by_test_id("lesson-audio")).to_be_attached(timeout=10_000)
    state = page.evaluate(SEEK_AUDIO)
    assert state["duration"] > 10
    assert abs(state["currentTime"] - state["duration"] / 2) < 1
    assert state["readyState"] >= 2
    assert any(s == 206 and sw and cr for s, sw, cr in ranges), ranges
