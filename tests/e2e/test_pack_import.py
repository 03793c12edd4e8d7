"""Importing a pack archive from a file, offline, in real Chromium: verified, streamed and
all or nothing.

One server serves the module. Its key ring is set up once: K0 signs a pack and is retired
(still trusted), K1 signs a pack and is then revoked (listed with an ``expires`` in the
past, so phones refuse it: that is what an "expired key" means since keys can expire),
and K2, the active key, signs everything else. Each test gets a fresh browser profile,
installs the shell, goes offline and only then imports. The archives are forged by
pack_archives.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect
from support.browser import wait_for_controller

from xuedian import create_app

from .conftest import FaultInjector, LiveServer
from .pack_archives import PACK, blob_sizes, forge_archives, lesson_entry

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

TEXT = {
    "blob-hash-mismatch": "课程文件的内容已损坏或被改动过，已拒绝导入。请重新拷贝这个文件。",
    "pack-signature-invalid": "课程签名不正确，已停止安装。",
    "pack-key-unknown": "课程来源不受信任，已停止安装。",
    "pack-key-expired": "课程的签名密钥已过期或已停用，已停止安装。请向志愿者要新版课程。",
    "pack-downgrade": "不能安装比现有版本更旧的课程。",
    "pack-archive-unsafe": "课程文件含有不安全的内容，已拒绝。",
    "pack-archive-invalid": "课程文件已损坏，无法导入。请重新拷贝这个文件。",
    "pack-archive-not-zip": "这不是学点课程文件。请选择以 .xdpack 结尾的文件。",
    "storage-full": "手机存储空间已满。已保存的学习记录都还在，请清理空间后再试。",
}

SNAPSHOT = """async () => {
    let packs = [];
    const dbs = indexedDB.databases ? await indexedDB.databases() : [{name: 'xuedian'}];
    if (dbs.some((d) => d.name === 'xuedian')) {
        packs = await new Promise((resolve, reject) => {
            const open = indexedDB.open('xuedian');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('packs')) { db.close(); resolve([]); return; }
                const all = db.transaction('packs').objectStore('packs').getAll();
                all.onerror = () => reject(all.error);
                all.onsuccess = () => {
                    db.close();
                    const rows = all.result;
                    resolve(rows.map((r) => [r.pack_id, r.version, r.installed_at, r.signature]));
                };
            };
        });
    }
    const cache = await caches.open('xuedian-blobs');
    const blobs = [];
    for (const key of await cache.keys()) {
        const size = (await (await cache.match(key)).arrayBuffer()).byteLength;
        blobs.push([new URL(key.url).pathname, size]);
    }
    blobs.sort();
    return {packs, blobs};
}"""

SEEK_MIDDLE = """async (el, seconds) => {
    const within = (promise, what) => Promise.race([promise, new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 15000))]);
    const once = (name) => new Promise((resolve, reject) => {
        el.addEventListener(name, resolve, {once: true});
        const fail = () => reject(new Error(`audio error ${el.error?.code}`));
        el.addEventListener('error', fail, {once: true});
    });
    if (el.readyState < 1) {
        const meta = once('loadedmetadata');
        el.load();
        await within(meta, 'metadata');
    }
    const duration = Number.isFinite(el.duration) ? el.duration : seconds;
    const seeked = once('seeked');
    el.currentTime = duration / 2;
    await within(seeked, 'seeked');
    if (el.readyState < 2) await within(once('canplay'), 'canplay');
    return {readyState: el.readyState, currentTime: el.currentTime, duration};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, pwa_dist):
    """The real app, migrated, with key K2 active, K0 retired and K1 revoked."""
    instance = tmp_path_factory.mktemp("import") / "instance"
    app = create_app({"instance_path": str(instance), "pwa_dist": str(pwa_dist)})
    with app.app_context():
        upgrade()
    live = LiveServer(app, FaultInjector(app)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def archives(server, tmp_path_factory) -> dict[str, Path]:
    """Every archive the tests import, keyed by what it is."""
    ring = server.app.extensions["xuedian.keyring"]
    return forge_archives(ring, tmp_path_factory.mktemp("archives"))


# ---- the phone -----------------------------------------------------------------------


def open_offline(server, page) -> None:
    """Install the shell, open the import screen from the catalog, then cut the network."""
    page.goto(server.url + "/#/catalog", timeout=20_000)
    wait_for_controller(page)
    page.get_by_test_id("go-import").click(timeout=30_000)
    expect(page.get_by_test_id("import-file")).to_be_attached(timeout=10_000)
    page.context.set_offline(True)


def import_file(page, path: Path):
    """Choose ``path`` on the import screen; return the locator of the outcome."""
    page.goto(page.url.split("#")[0] + "#/import", timeout=20_000)
    page.get_by_test_id("import-file").set_input_files(str(path), timeout=10_000)
    outcome = page.get_by_test_id("import-done").or_(page.get_by_test_id("import-error"))
    expect(outcome).to_be_visible(timeout=60_000)
    return outcome


def import_ok(page, path: Path) -> dict:
    outcome = import_file(page, path)
    assert outcome.get_attribute("data-testid") == "import-done", outcome.text_content()
    return {k: outcome.get_attribute(f"data-{k}") for k in ("pack", "version", "stored", "reused")}


def snapshot(page) -> dict:
    return page.evaluate(SNAPSHOT)


# ---- tests ---------------------------------------------------------------------------


def test_import_valid_archive_offline_installs_pack_and_lesson_audio_seeks(server, archives, page):
    open_offline(server, page)
    done = import_ok(page, archives["v1"])
    assert done["pack"] == PACK and done["version"] == "1"
    expect(page.get_by_test_id("import-done")).to_contain_text("学点入门", timeout=5_000)
    assert snapshot(page)["blobs"] == sorted(
        [f"/blobs/{b}", s] for b, s in blob_sizes(archives["v1"]).items()
    )

    page.get_by_test_id("import-open").click()
    expect(page.get_by_test_id("pack-title")).to_have_text("学点入门", timeout=10_000)
    page.get_by_test_id("lesson-01-welcome").click()
    expect(page.get_by_test_id("lesson-content")).to_contain_text("没有网络也能学", timeout=15_000)

    lesson = lesson_entry(archives["v1"], "01-welcome")
    if "audio" not in lesson:
        pytest.skip("the builder does not emit lesson narration yet")
    audio = page.get_by_test_id("lesson-audio")
    expect(audio).to_be_attached(timeout=10_000)
    state = audio.evaluate(SEEK_MIDDLE, lesson["audio"]["seconds"])
    assert state["readyState"] >= 2
    assert abs(state["currentTime"] - state["duration"] / 2) < 1.0


def test_import_over_older_version_reuses_blobs_and_switches_in_one_step(server, archives, page):
    open_offline(server, page)
    import_ok(page, archives["v1"])
    v1, v2 = blob_sizes(archives["v1"]), blob_sizes(archives["v2"])
    shared = v1.keys() & v2.keys()
    assert shared, "v1 and v2 must share blobs for a delta"

    done = import_ok(page, archives["v2"])
    assert done["version"] == "2"
    assert int(done["reused"]) == len(shared)
    assert int(done["stored"]) == len(v2.keys() - v1.keys())
    after = snapshot(page)
    assert [row[:2] for row in after["packs"]] == [[PACK, 2]]
    # The new version's blobs, and only those: v1's own blobs were collected.
    assert after["blobs"] == sorted([f"/blobs/{b}", s] for b, s in v2.items())

    page.goto(page.url.split("#")[0] + f"#/lesson/{PACK}/01-welcome", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).to_contain_text("第 2 版新增", timeout=15_000)


def test_import_accepts_pack_signed_by_retired_key(server, archives, page):
    open_offline(server, page)
    assert import_ok(page, archives["retired-key"])["version"] == "1"


@pytest.mark.parametrize(
    ("archive", "code"),
    [
        ("tampered-blob", "blob-hash-mismatch"),
        ("tampered-manifest", "pack-signature-invalid"),
        ("unsigned", "pack-signature-invalid"),
        ("unknown-key", "pack-key-unknown"),
        ("expired-key", "pack-key-expired"),
        ("zip-slip-parent", "pack-archive-unsafe"),
        ("zip-slip-absolute", "pack-archive-unsafe"),
        ("extra-entry", "pack-archive-unsafe"),
        ("bomb", "blob-hash-mismatch"),
        ("huge-manifest", "pack-archive-unsafe"),
        ("manifest-not-first", "pack-archive-invalid"),
        ("truncated", "pack-archive-invalid"),
        ("cut-entry", "pack-archive-invalid"),
        ("not-zip", "pack-archive-not-zip"),
    ],
)
def test_import_refuses_bad_archive_and_changes_nothing(server, archives, page, archive, code):
    open_offline(server, page)
    import_ok(page, archives["v1"])
    before = snapshot(page)
    outcome = import_file(page, archives[archive])
    assert outcome.get_attribute("data-code") == code
    expect(outcome).to_have_text(TEXT[code], timeout=5_000)
    assert snapshot(page) == before


def test_import_refuses_downgrade_and_changes_nothing(server, archives, page):
    open_offline(server, page)
    import_ok(page, archives["v2"])
    before = snapshot(page)
    outcome = import_file(page, archives["v1"])
    assert outcome.get_attribute("data-code") == "pack-downgrade"
    expect(outcome).to_have_text(TEXT["pack-downgrade"], timeout=5_000)
    assert snapshot(page) == before


def test_import_with_storage_full_refuses_and_changes_nothing(server, archives, page):
    open_offline(server, page)
    import_ok(page, archives["v1"])
    before = snapshot(page)
    # Room for a little more, not for v2's new blobs.
    usage = page.evaluate("async () => (await navigator.storage.estimate()).usage")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url, "quotaSize": usage + 20_000})
    try:
        outcome = import_file(page, archives["v2"])
        assert outcome.get_attribute("data-code") == "storage-full"
        expect(outcome).to_have_text(TEXT["storage-full"], timeout=5_000)
    finally:
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": server.url})
    assert snapshot(page) == before
