"""A phone's own key in real Chromium, and lessons that reach the county by file: the phone
lets them go when the county's ack comes back online, without uploading them again."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import wait_for_controller
from support.county import query, stored_records, upload_bundle
from support.phone import PACK, complete_lesson, device_key, download_pack

from xuedian.sync.models import Device, SyncBatch, SyncBundle

pytestmark = pytest.mark.e2e

NO_WEBCRYPTO_ED25519 = """(() => {
  const generate = crypto.subtle.generateKey.bind(crypto.subtle);
  crypto.subtle.generateKey = (alg, ...rest) =>
    (alg && (alg.name || alg)) === 'Ed25519'
      ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
      : generate(alg, ...rest);
})();"""


def device_id_of(public_key: str) -> str:
    raw = base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4))
    return hashlib.sha256(raw).hexdigest()[:32]


def test_device_key_is_a_non_extractable_webcrypto_key(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    key = device_key(page)
    assert key["kind"] == "webcrypto"
    assert key["private_is_cryptokey"] is True
    assert key["extractable"] is False
    assert key["algorithm"] == "Ed25519"
    assert key["type"] == "private"
    assert key["usages"] == ["sign"]
    assert key["device_id"] == device_id_of(key["public_key"])
    # The same key after a reload: the phone keeps its identity.
    page.reload(timeout=20_000)
    assert device_key(page)["device_id"] == key["device_id"]


def test_lessons_exported_as_bundle_are_cleared_by_the_feed_ack_not_reuploaded(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    key = device_key(page)

    page.context.set_offline(True)
    complete_lesson(page, base, "02-offline")
    complete_lesson(page, base, "03-sync")
    expect(page.get_by_test_id("outbox-count")).to_have_text("2", timeout=10_000)

    # Exporting lives on the sync screen, which the header's sync line opens.
    page.get_by_test_id("sync-link").click()
    with page.expect_download(timeout=15_000) as info:
        page.get_by_test_id("export-sync").click()
    download = info.value
    assert re.fullmatch(
        rf"xuedian-{key['device_id'][:8]}-\d{{8}}-\d{{4}}\.xdsync", download.suggested_filename
    )
    expect(page.get_by_test_id("export-done")).to_contain_text("已导出 2 条记录", timeout=10_000)
    # Exporting deletes nothing: the records leave only on a county receipt.
    expect(page.get_by_test_id("outbox-count")).to_have_text("2")
    data = Path(download.path()).read_bytes()

    bundle = json.loads(gzip.decompress(data))
    assert bundle["type"] == "xdsync" and bundle["schema_version"] == 1
    assert bundle["device_id"] == key["device_id"]
    assert bundle["registration"]["signed"]["public_key"] == key["public_key"]
    (batch,) = bundle["batches"]
    assert [r["object"]["lesson"] for r in batch["signed"]["records"]] == ["02-offline", "03-sync"]
    assert batch["signed"]["status"]["unsent"] == 2
    assert batch["signed"]["status"]["packs"] == {PACK: 1}

    # A volunteer uploads the file while the phone is still offline.
    (answer,) = upload_bundle(base, data)["bundles"]
    assert answer["ok"] is True
    assert (answer["device_id"], answer["accepted"]) == (key["device_id"], 2)
    records = stored_records(live_server)
    assert sorted(r.object["lesson"] for r in records) == ["02-offline", "03-sync"]
    assert upload_bundle(base, data)["bundles"][0]["already_imported"] is True

    # Online later, the county's ack in the changes feed clears them from the outbox before
    # any upload: they are never sent again, not even as duplicates.
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    assert live_server.faults.uploads == 0
    assert len(stored_records(live_server)) == 2
    assert len(query(live_server, SyncBundle)) == 1
    assert [b.receipt["accepted"] for b in query(live_server, SyncBatch)] == [
        [r["id"] for r in batch["signed"]["records"]]
    ]
    (device,) = query(live_server, Device)
    assert device.public_key == key["public_key"]
    assert device.last_status["app_version"]


def test_phone_without_webcrypto_ed25519_signs_with_the_fallback(live_server, page):
    page.add_init_script(NO_WEBCRYPTO_ED25519)
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    key = device_key(page)
    assert key["kind"] == "noble"
    assert key["has_secret"] is True
    complete_lesson(page, base, "01-welcome")
    # "0" is also the count before the record is written: wait for the county to hold it.
    wait_until(lambda: stored_records(live_server), 60, "the record at the county", page=page)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    (record,) = stored_records(live_server)
    assert record.device_id == key["device_id"]
    (device,) = query(live_server, Device)
    assert device.public_key == key["public_key"]
