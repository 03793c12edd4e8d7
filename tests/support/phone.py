"""Helpers for browser tests that act as a resident's phone: the demo pack, a lesson
completed, the phone's device key read from its IndexedDB."""

from __future__ import annotations

from playwright.sync_api import expect

#: The demo pack every phone test downloads.
PACK = "xuedian-welcome"

# Opens the app's database only if it exists (aborting the upgrade of a new one, which would
# otherwise leave the app an empty database at version 1), and describes meta.device_key.
READ_DEVICE_KEY = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve(null);
  open.onsuccess = () => {
    const idb = open.result;
    const get = idb.transaction('meta').objectStore('meta').get('device_key');
    get.onerror = () => reject(get.error);
    get.onsuccess = () => {
      idb.close();
      const key = get.result;
      if (!key) return resolve(null);
      const priv = key.keyPair ? key.keyPair.privateKey : null;
      resolve({
        kind: key.kind, device_id: key.device_id, public_key: key.public_key,
        private_is_cryptokey: priv instanceof CryptoKey,
        extractable: priv ? priv.extractable : null,
        algorithm: priv ? priv.algorithm.name : null,
        type: priv ? priv.type : null,
        usages: priv ? priv.usages : null,
        has_secret: key.secret instanceof Uint8Array,
      });
    };
  };
})"""


def device_key(page) -> dict:
    page.wait_for_function(READ_DEVICE_KEY, timeout=15_000)
    return page.evaluate(READ_DEVICE_KEY)


def download_pack(page) -> None:
    page.goto(page.url.split("#")[0] + "#/catalog", timeout=20_000)
    card = page.get_by_test_id(f"pack-{PACK}")
    expect(card).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id(f"size-{PACK}")).to_be_visible()
    page.get_by_test_id(f"download-{PACK}").click()
    expect(page.get_by_test_id(f"installed-{PACK}")).to_be_visible(timeout=30_000)


def complete_lesson(page, base_url: str, lesson: str) -> None:
    page.goto(f"{base_url}/#/lesson/{PACK}/{lesson}", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)


# What the page can tell about a sync that does not end: the Web Locks held and waited for
# (this page's, other tabs' and the service worker's) and the service worker's state.
SYNC_DIAGNOSIS = """async () => ({
  locks: navigator.locks ? await navigator.locks.query() : null,
  controller: navigator.serviceWorker?.controller?.state ?? null,
  online: navigator.onLine,
  button: document.querySelector('[data-testid=sync-now]')?.textContent ?? null,
})"""


def sync_now(page, base: str) -> None:
    """Open the sync screen and press 同步 once it is free.

    If the button stays busy, the failure names the Web Locks held and waited for, which
    tells a stuck sync from a screen that missed the sync's end (the bug
    tests/e2e/test_sync_state.py pins down: "正在同步…" for minutes, no lock held).
    """
    page.goto(base + "/#/sync", timeout=20_000)
    button = page.get_by_test_id("sync-now")
    try:
        expect(button).to_be_enabled(timeout=90_000)
    except AssertionError as error:
        raise AssertionError(f"{error}\nsync state: {page.evaluate(SYNC_DIAGNOSIS)}") from None
    button.click(timeout=30_000)
