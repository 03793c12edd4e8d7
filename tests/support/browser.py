"""Helpers for browser tests: the app's service worker and its IndexedDB, seen from Playwright."""

from __future__ import annotations

import shutil

from . import wait_until

#: Debian's Chromium, and the switches every browser test starts it with.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_for_controller(page) -> None:
    """Wait until the service worker controls the page (claim on first install)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)


# Every row of one store of the app's database (or of one key), without upgrading it.
READ_STORE = """([store, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve(null);
  open.onsuccess = () => {
    const idb = open.result;
    if (!idb.objectStoreNames.contains(store)) { idb.close(); return resolve(null); }
    const os = idb.transaction(store).objectStore(store);
    const get = key === null ? os.getAll() : os.get(key);
    get.onerror = () => reject(get.error);
    get.onsuccess = () => { idb.close(); resolve(get.result ?? null); };
  };
})"""


def read_store(page, store: str, key=None):
    return page.evaluate(READ_STORE, [store, key])


def wait_for_store(page, store: str, key, want=None, timeout: float = 15.0) -> None:
    """Wait until the row at ``key`` exists (or equals ``want``).

    Polled from here: wait_for_function takes a returned promise for a truthy answer.
    """

    def arrived() -> bool:
        value = read_store(page, store, key)
        return (value is not None) if want is None else (value == want)

    wait_until(arrived, timeout, f"{store} {key}", page=page)


def staff_sign_in(page, account: tuple[str, str]) -> None:
    """Fill the staff sign-in form on ``page`` and submit it.

    The press waits for the page it leads to, and on a loaded machine that page (the
    dashboard computes its figures) can take far longer than the form took to fill.
    """
    page.get_by_test_id("username").fill(account[0], timeout=20_000)
    page.get_by_test_id("password").fill(account[1], timeout=10_000)
    page.get_by_test_id("login").click(timeout=60_000)
