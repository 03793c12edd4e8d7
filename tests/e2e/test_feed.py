"""The changes feed and county acks in real Chromium: a .xdack file imported offline clears
exactly its records, messages sent with the CLI arrive, and progress shows on the pack screen."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import expect
from support import wait_until
from support.browser import read_store, wait_for_controller, wait_for_store
from support.county import cli, registered, stored_records, upload_bundle
from support.phone import PACK, complete_lesson, device_key, download_pack

from xuedian.core.canonjson import canonical_bytes
from xuedian.keys.service import b64url

pytestmark = pytest.mark.e2e


def other_phone(base: str) -> str:
    """Register another phone with the county; return its device id."""
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signed = {
        "type": "device-registration",
        "device_id": hashlib.sha256(raw).hexdigest()[:32],
        "public_key": b64url(raw),
        "app_version": "test",
        "created": "2026-11-24T08:00:00.000Z",
    }
    envelope = {"signed": signed, "signature": b64url(key.sign(canonical_bytes(signed)))}
    fetch(f"{base}/api/v1/devices", envelope)
    return signed["device_id"]


def fetch(url: str, body: dict | None = None) -> tuple[bytes, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (a loopback test server)
        url, data=data, headers={"Content-Type": "application/json"} if data else {}
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return response.read(), dict(response.headers)


def fetch_ack(base: str, device_id: str, folder: Path) -> Path:
    body, headers = fetch(f"{base}/api/v1/sync/acks/{device_id}")
    name = re.search(r'filename="([^"]+)"', headers["Content-Disposition"]).group(1)
    path = folder / name
    path.write_bytes(body)
    return path


def import_file(page, base: str, path: Path) -> None:
    page.goto(f"{base}/#/import", timeout=20_000)
    page.get_by_test_id("import-file").set_input_files(str(path), timeout=10_000)


def outbox_lessons(page) -> list[str]:
    return sorted(r["object"]["lesson"] for r in read_store(page, "outbox"))


def test_ack_file_imported_offline_clears_exactly_its_records(live_server, page, tmp_path):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    me = device_key(page)["device_id"]

    page.context.set_offline(True)
    complete_lesson(page, base, "02-offline")
    complete_lesson(page, base, "03-sync")
    page.get_by_test_id("sync-link").click()
    with page.expect_download(timeout=15_000) as info:
        page.get_by_test_id("export-sync").click()
    bundle = Path(info.value.path()).read_bytes()
    # Learnt after the export: the county has not seen this one.
    complete_lesson(page, base, "01-welcome")
    expect(page.get_by_test_id("outbox-count")).to_have_text("3", timeout=10_000)

    # A volunteer uploads the bundle and brings back the county's ack.
    (answer,) = upload_bundle(base, bundle)["bundles"]
    assert answer["accepted"] == 2
    ack = fetch_ack(base, me, tmp_path)
    assert ack.name.startswith(f"xuedian-{me[:8]}-") and ack.suffix == ".xdack"

    # Refused, and nothing changes: another phone's ack, a forged one, one that is no ack.
    wrong = fetch_ack(base, other_phone(base), tmp_path)
    envelope = json.loads(ack.read_text("utf-8"))
    envelope["signed"]["stored_seq_ranges"] = [[1, 3]]
    forged = tmp_path / "forged.xdack"
    forged.write_text(json.dumps(envelope), "utf-8")
    junk = tmp_path / "notes.json"
    junk.write_text('{"hello": "world"}', "utf-8")
    for path, code, text in [
        (wrong, "ack-wrong-device", "另一部手机"),
        (forged, "ack-signature-invalid", "签名不对"),
        (junk, "ack-invalid", "不是学点的回执"),
    ]:
        import_file(page, base, path)
        refusal = page.get_by_test_id("import-error")
        expect(refusal).to_have_attribute("data-code", code, timeout=10_000)
        expect(refusal).to_contain_text(text)
        expect(refusal).to_contain_text("没有删除任何记录")
        assert outbox_lessons(page) == ["01-welcome", "02-offline", "03-sync"]

    import_file(page, base, ack)
    expect(page.get_by_test_id("ack-done")).to_have_text(
        "回执已收到：2 条记录县里已经存好，已从手机上清除。", timeout=10_000
    )
    expect(page.get_by_test_id("outbox-count")).to_have_text("1", timeout=10_000)
    assert outbox_lessons(page) == ["01-welcome"]
    # The same file again clears nothing more.
    import_file(page, base, ack)
    expect(page.get_by_test_id("ack-done")).to_have_attribute("data-deleted", "0", timeout=10_000)
    assert outbox_lessons(page) == ["01-welcome"]
    assert sorted(r.object["lesson"] for r in stored_records(live_server)) == [
        "02-offline",
        "03-sync",
    ]
    assert live_server.faults.uploads == 0


def test_inbox_message_sent_with_the_cli_arrives_with_the_next_sync(live_server, page):
    base = live_server.url
    page.goto(base + "/#/catalog", timeout=20_000)
    wait_for_controller(page)
    me = device_key(page)["device_id"]
    expect(page.get_by_test_id("catalog")).to_be_visible(timeout=15_000)
    # The start-up sync registers the phone; nothing is in its inbox yet.
    wait_until(lambda: me in registered(live_server), 15, "the phone to register", page=page)
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)
    expect(page.get_by_test_id("inbox")).to_have_count(0)
    other = other_phone(base)

    text = ["--title-zh", "周三有志愿者", "--title-en", "Volunteer on Wednesday"]
    body = ["--body-zh", "村学习点周三下午有志愿者帮您。", "--body-en", "A volunteer helps you."]
    assert "to " + me in cli(live_server, "inbox", "send", *text, *body, "--device", me[:8])
    text_other = ["--title-zh", "别人的", "--title-en", "Not yours"]
    body_other = ["--body-zh", "不是给你的", "--body-en", "Not for you"]
    cli(live_server, "inbox", "send", *text_other, *body_other, "--device", other)

    page.get_by_test_id("sync-now").click(timeout=30_000)
    expect(page.get_by_test_id("inbox-badge")).to_have_attribute("data-count", "1", timeout=15_000)
    page.get_by_test_id("inbox-badge").click()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text("周三有志愿者", timeout=15_000)
    expect(inbox).to_contain_text("村学习点周三下午有志愿者帮您。")
    expect(inbox).not_to_contain_text("别人的")
    expect(page.get_by_test_id("inbox-unread")).to_have_attribute("data-count", "1")
    page.get_by_test_id("inbox-mark-read").click(timeout=30_000)
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0, timeout=10_000)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("inbox")).to_contain_text("周三有志愿者", timeout=15_000)
    expect(page.get_by_test_id("inbox-unread")).to_have_count(0)
    (message,) = read_store(page, "inbox")
    assert message["read"] is True and message["title"]["en"] == "Volunteer on Wednesday"


def test_progress_from_the_feed_shows_on_the_pack_screen_and_the_cursor_advances(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    complete_lesson(page, base, "01-welcome")
    # "0" is also the count before the record is written: wait for the county to hold it.
    wait_until(lambda: stored_records(live_server), 30, "the record at the county", page=page)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    learner = read_store(page, "meta", "active_learner")
    wait_for_store(page, "progress", [learner, PACK, "01-welcome"])
    row = read_store(page, "progress", [learner, PACK, "01-welcome"])
    assert row["completed"] is True and row["seconds"] >= 0
    cursor = read_store(page, "meta", "feed_cursor")
    assert cursor

    # The outbox is empty: the tick comes from the county's progress.
    assert read_store(page, "outbox") == []
    page.goto(f"{base}/#/pack/{PACK}", timeout=20_000)
    line = page.get_by_test_id("pack-progress")
    expect(line).to_have_text(re.compile(r"^已学完 1/\d+ 课$"), timeout=10_000)
    lessons = page.locator("[data-testid^=lesson-]")
    total = lessons.count()
    expect(line).to_have_text(f"已学完 1/{total} 课")
    expect(page.get_by_test_id("lesson-01-welcome")).to_have_attribute("data-done", "true")
    expect(page.get_by_test_id("done-01-welcome")).to_be_visible()
    expect(page.get_by_test_id("lesson-02-offline")).to_have_attribute("data-done", "false")

    # Learnt offline: it shows at once, from the outbox, before any sync.
    page.context.set_offline(True)
    complete_lesson(page, base, "02-offline")
    page.goto(f"{base}/#/pack/{PACK}", timeout=20_000)
    expect(line).to_have_text(f"已学完 2/{total} 课", timeout=10_000)
    expect(page.get_by_test_id("lesson-02-offline")).to_have_attribute("data-done", "true")
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)

    # Synced: the county counts both, and a second sync brings nothing new.
    page.goto(base + "/#/catalog", timeout=20_000)
    expect(page.get_by_test_id("learner-totals")).to_contain_text("学完 2 课", timeout=15_000)
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=15_000)
    uploads = live_server.faults.uploads
    asked = lambda r: r.url.endswith("/api/v1/sync/changes")  # noqa: E731
    with page.expect_response(asked, timeout=15_000) as got:
        page.get_by_test_id("sync-now").click()
    answer = got.value.json()
    assert (answer["progress"], answer["totals"], answer["messages"]) == ([], [], [])
    assert answer["more"] is False
    assert live_server.faults.uploads == uploads  # nothing unsent: no batch, only the ask
    wait_for_store(page, "meta", "feed_cursor", answer["cursor"])
    assert read_store(page, "meta", "feed_cursor") != cursor


# The database as app version 2 left it: every store, one row in each that matters.
MAKE_V2_DATABASE = """(record) => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian', 2);
  open.onupgradeneeded = () => {
    const idb = open.result;
    idb.createObjectStore('meta');
    const outbox = idb.createObjectStore('outbox', { keyPath: 'id' });
    outbox.createIndex('device_seq', 'device_seq', { unique: true });
    idb.createObjectStore('packs', { keyPath: 'pack_id' });
    idb.createObjectStore('downloads', { keyPath: 'pack_id' });
    idb.createObjectStore('chunks');
    const tx = open.transaction;
    tx.objectStore('meta').put(record.learner, 'active_learner');
    tx.objectStore('meta').put(1, 'device_seq');
    tx.objectStore('meta').put('kept', 'note');
    tx.objectStore('outbox').put(record);
    tx.objectStore('chunks').put(new ArrayBuffer(3), ['blob', 0]);
  };
  open.onerror = () => reject(open.error);
  open.onsuccess = () => { open.result.close(); resolve(true); };
})"""


def test_database_upgrade_to_version_3_keeps_every_store_and_row(live_server, page):
    base = live_server.url
    page.goto(base + "/api/v1/health", timeout=20_000)
    record = {
        "id": "0193a0c4-5f00-7000-8000-000000000001",
        "learner": "6f1f3c1e-0000-4000-8000-000000000001",
        "verb": "http://adlnet.gov/expapi/verbs/completed",
        "object": {"pack": PACK, "version": 1, "lesson": "01-welcome"},
        "result": {"duration": "PT1M"},
        "timestamp": "2026-11-20T08:00:00.000Z",
        "device_seq": 1,
    }
    assert page.evaluate(MAKE_V2_DATABASE, record) is True

    page.goto(base + "/#/catalog", timeout=20_000)
    expect(page.get_by_test_id("catalog")).to_be_visible(timeout=15_000)
    assert read_store(page, "meta", "note") == "kept"
    assert read_store(page, "chunks", ["blob", 0]) is not None
    # The record made under version 2 is still the phone's: it goes to the county, once.
    wait_until(
        lambda: len(stored_records(live_server)) == 1, 15, "the old record's upload", page=page
    )
    (stored,) = stored_records(live_server)
    assert stored.id == record["id"]
    learner = record["learner"]
    wait_for_store(page, "progress", [learner, PACK, "01-welcome"])
    assert read_store(page, "outbox") == []
    assert (
        page.evaluate("""() => new Promise((resolve) => {
      const open = indexedDB.open('xuedian');
      open.onsuccess = () => { const v = open.result.version; open.result.close(); resolve(v); };
    })""")
        == 3
    )
