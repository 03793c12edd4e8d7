"""Pack downloads on the phone, in real Chromium: resumable, delta-only, within storage limits.

One server serves the whole module. It publishes a copy of the welcome pack (text, an
image and narration) and ``e2e-big``, about 3 MB of noise images that WebP cannot shrink,
built here. :class:`~tests.e2e.conftest.ByteLog` counts the bytes the server sent for every
blob request, so a test can tell how much a dropped link or a closed app cost.
"""

from __future__ import annotations

import random
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, refetched_bytes, start_live_server
from .test_shell import wait_for_controller

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

WELCOME = "xuedian-welcome"
BIG = "e2e-big"
BIG_IMAGES = 7
MBPS = 1_000_000 / 8


def noise_png(path: Path, width: int, height: int, seed: int) -> None:
    """Write an RGB PNG of seeded noise: lossy WebP keeps it large (about 420 KB at 960x720)."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def write_big_pack(root: Path) -> None:
    (root / "lessons").mkdir(parents=True)
    (root / "media").mkdir()
    (root / "pack.yaml").write_text(
        f"""id: {BIG}
version: 1
date: 2026-11-24
title:
  zh-CN: 大课程测试
  en: Big test course
description:
  zh-CN: 下载测试用的大课程。
  en: A large course for download tests.
category: farming
credit_hours: 1
license: CC-BY-4.0
authors:
  - Xuedian tests
""",
        encoding="utf-8",
    )
    for i in range(BIG_IMAGES):
        noise_png(root / "media" / f"noise-{i}.png", 960, 720, seed=i)
        (root / "lessons" / f"{i + 1:02d}-noise.md").write_text(
            f"""---
title:
  zh-CN: 第{i + 1}课
  en: Lesson {i + 1}
narration: 第{i + 1}课
---
![噪点图](media/noise-{i}.png)
""",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def pack_server(tmp_path_factory, pwa_dist):
    """A live server publishing the welcome pack and ``e2e-big``, shared by this module."""
    base = tmp_path_factory.mktemp("packs")
    packs = base / "sources"
    shutil.copytree(ROOT / "content_packs" / WELCOME, packs / WELCOME)
    write_big_pack(packs / BIG)
    server = start_live_server(base / "instance", pwa_dist, packs)
    yield server
    server.stop()


@pytest.fixture
def server(pack_server):
    pack_server.bytes.clear()
    pack_server.bytes.hold.set()
    yield pack_server
    pack_server.bytes.hold.set()


def catalog_entry(server, pack_id: str) -> dict:
    from xuedian.packs.service import current_releases

    with server.app.app_context():
        release = next(r for r in current_releases() if r.pack_id == pack_id)
        return {"version": release.version, "size": release.size, "manifest": release.manifest}


def blob_requests(server) -> list:
    return [e for e in server.bytes.snapshot() if e.path.startswith("/blobs/")]


def throttle(page, mbps: float, latency_ms: int = 150, offline: bool = False):
    """Emulate a slow link on the page's CDP session (downloads run in the page)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {
        "offline": offline,
        "latency": latency_ms,
        "downloadThroughput": mbps * MBPS,
        "uploadThroughput": mbps * MBPS / 2,
    }
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp, conditions


def open_catalog(page, server) -> None:
    page.goto(server.url + "/", timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id(f"pack-{BIG}")).to_be_visible(timeout=15_000)


def wait_progress(page, pack_id: str, percent: int, timeout: int = 60_000) -> None:
    page.wait_for_function(
        """([id, pct]) => {
            const bar = document.querySelector(`[data-testid="progress-${id}"]`);
            return bar && Number(bar.getAttribute('aria-valuenow')) >= pct;
        }""",
        arg=[pack_id, percent],
        timeout=timeout,
    )


def stored_blob_ids(page) -> set[str]:
    return set(
        page.evaluate(
            """async () => {
                const cache = await caches.open('xuedian-blobs');
                return (await cache.keys()).map((r) => new URL(r.url).pathname.slice(7));
            }"""
        )
    )


def idb_count(page, store: str) -> int:
    return page.evaluate(
        """(store) => new Promise((resolve, reject) => {
            const open = indexedDB.open('xuedian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const req = open.result.transaction(store).objectStore(store).count();
                req.onsuccess = () => { resolve(req.result); open.result.close(); };
                req.onerror = () => reject(req.error);
            };
        })""",
        store,
    )


def test_download_survives_a_cut_and_refetches_little(server, page):
    entry = catalog_entry(server, BIG)
    open_catalog(page, server)
    cdp, conditions = throttle(page, 1.6)
    started = time.monotonic()
    page.get_by_test_id(f"download-{BIG}").click()
    wait_progress(page, BIG, 50)

    # The link drops twice: one answer breaks off mid-body (the app waits, then retries)...
    server.bytes.cut_next(20_000)
    expect(page.get_by_test_id(f"state-{BIG}")).to_have_text("等待网络", timeout=15_000)
    cut = next(e for e in blob_requests(server) if e.cut)
    # ...then the phone loses its network for a while.
    cdp.send("Network.emulateNetworkConditions", {**conditions, "offline": True})
    page.wait_for_timeout(2_000)
    expect(page.get_by_test_id(f"state-{BIG}")).to_have_text("等待网络", timeout=5_000)
    cdp.send("Network.emulateNetworkConditions", conditions)

    expect(page.get_by_test_id(f"installed-{BIG}")).to_be_visible(timeout=90_000)
    elapsed = time.monotonic() - started
    again = refetched_bytes(blob_requests(server))
    sent = sum(e.sent for e in blob_requests(server))
    print(
        f"\n{BIG}: {entry['size']} blob bytes at 1.6 Mbps / 150 ms with one cut: "
        f"{elapsed:.1f} s, {sent} bytes sent, re-fetched {again} bytes "
        f"({100 * again / entry['size']:.2f} %)"
    )
    # At 1.6 Mbps the bytes alone take size / 200 KB/s; faster would mean no throttling.
    assert elapsed > entry["size"] / (1.6 * MBPS)
    assert again <= 0.05 * entry["size"]
    # The bytes that reached the page before the break (up to 20,000; Chromium may drop the
    # last piece it had in flight) were kept: the retry started inside the broken range.
    later = [e for e in blob_requests(server) if e.path == cut.path and e.at > cut.at]
    assert any(cut.first < e.first <= cut.first + 20_000 for e in later), later
    assert idb_count(page, "chunks") == 0
    assert idb_count(page, "downloads") == 0


def test_download_resumes_after_the_app_is_closed(server, page):
    open_catalog(page, server)
    throttle(page, 4)
    page.get_by_test_id(f"download-{BIG}").click()
    wait_progress(page, BIG, 50)
    finished = stored_blob_ids(page)
    assert finished, "some blobs should be complete at 50 %"
    context = page.context
    page.close()
    closed_at = time.monotonic()

    again = context.new_page()
    again.goto(server.url + "/", timeout=20_000)
    # Nobody presses anything: the app continues the download on its own.
    expect(again.get_by_test_id(f"installed-{BIG}")).to_be_visible(timeout=60_000)
    after = [e for e in blob_requests(server) if e.at > closed_at]
    assert after, "the rest of the pack was fetched after reopening"
    refetched_finished = {e.path for e in after} & {f"/blobs/{i}" for i in finished}
    assert refetched_finished == set()
    entry = catalog_entry(server, BIG)
    again_bytes = refetched_bytes(blob_requests(server))
    print(f"\nclosed at 50 % and reopened: re-fetched {again_bytes} of {entry['size']} bytes")
    # At most the two requests in flight when the page closed are paid for twice.
    assert again_bytes <= 2 * 64 * 1024
    assert again_bytes <= 0.05 * entry["size"]


def test_pause_stops_requests_and_resume_finishes(server, page):
    open_catalog(page, server)
    throttle(page, 4)
    page.get_by_test_id(f"download-{BIG}").click()
    wait_progress(page, BIG, 20)
    page.get_by_test_id(f"pause-{BIG}").click()
    expect(page.get_by_test_id(f"resume-{BIG}")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id(f"state-{BIG}")).to_have_text("已暂停", timeout=5_000)
    page.wait_for_timeout(500)
    count = len(blob_requests(server))
    progress = page.get_by_test_id(f"progress-{BIG}").get_attribute("aria-valuenow")
    requests = []
    page.on("request", lambda r: "/blobs/" in r.url and requests.append(r.url))
    page.wait_for_timeout(2_500)
    assert requests == []
    assert len(blob_requests(server)) == count
    assert page.get_by_test_id(f"progress-{BIG}").get_attribute("aria-valuenow") == progress

    page.get_by_test_id(f"resume-{BIG}").click()
    expect(page.get_by_test_id(f"installed-{BIG}")).to_be_visible(timeout=60_000)
    assert requests, "resume fetched the rest"


def size_text(n: int) -> str:
    """lib/catalog.js formatSize for sizes below a megabyte."""
    return f"{max(1, (n + 512) // 1024)} KB"


def download_welcome(page, server) -> None:
    open_catalog(page, server)
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=30_000)


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
    count = len(blob_requests(server))
    page.wait_for_timeout(1_500)
    assert len(blob_requests(server)) == count
    assert idb_count(page, "downloads") == 1


def test_corrupt_blob_fails_the_download_and_resume_heals_it(server, page):
    open_catalog(page, server)
    server.bytes.corrupt_next()
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"state-{WELCOME}")).to_have_text("下载失败", timeout=20_000)
    expect(page.get_by_test_id(f"error-{WELCOME}")).to_contain_text("下载的数据已损坏")
    bad = blob_requests(server)[0].path.removeprefix("/blobs/")
    chunks_of_bad = page.evaluate(
        """(id) => new Promise((resolve, reject) => {
            const open = indexedDB.open('xuedian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const req = open.result.transaction('chunks').objectStore('chunks').getAllKeys();
                req.onsuccess = () => {
                    resolve(req.result.filter((k) => k[0] === id).length);
                    open.result.close();
                };
                req.onerror = () => reject(req.error);
            };
        })""",
        bad,
    )
    assert chunks_of_bad == 0
    assert bad not in stored_blob_ids(page)
    page.get_by_test_id(f"resume-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=20_000)
    assert bad in stored_blob_ids(page)


SEED_V1_INSTALL = """async (text) => {
    const envelope = JSON.parse(text);
    await new Promise((resolve, reject) => {
        const open = indexedDB.open('xuedian', 1);
        open.onupgradeneeded = () => {
            const db = open.result;
            db.createObjectStore('meta');
            const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
            outbox.createIndex('device_seq', 'device_seq', { unique: true });
            db.createObjectStore('packs', { keyPath: 'pack_id' });
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const tx = open.result.transaction('packs', 'readwrite');
            const m = envelope.signed;
            tx.objectStore('packs').put({
                pack_id: m.pack_id, version: m.version, manifest: m,
                signature: envelope.signature, installed_at: new Date().toISOString(),
            });
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
        };
    });
    const old = await caches.open('xuedian-content');
    await old.put(`/content/${envelope.signed.pack_id}/1/lessons/a.html`, new Response('v1'));
}"""


def test_pack_installed_by_app_v1_is_offered_again_after_upgrade(server, page):
    # App v1 kept files in the `xuedian-content` cache; seed that state before the app runs.
    page.goto(server.url + "/trusted-keys.json", timeout=20_000)
    page.evaluate(SEED_V1_INSTALL, catalog_entry(server, WELCOME)["manifest"])
    open_catalog(page, server)
    page.wait_for_function("async () => !(await caches.has('xuedian-content'))", timeout=10_000)
    button = page.get_by_test_id(f"download-{WELCOME}")
    expect(button).to_contain_text("重新下载", timeout=10_000)
    expect(page.get_by_test_id(f"open-{WELCOME}")).to_be_visible()
    button.click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=20_000)
    page.goto(f"{server.url}/#/lesson/{WELCOME}/02-offline", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).to_contain_text(
        "保存在您的手机里", timeout=15_000
    )


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
