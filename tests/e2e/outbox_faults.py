"""Helpers for the sync fault tests in real Chromium: filling a phone's outbox the way
``recordEvent`` does, reading it back, shifting the phone's clock, watching the status line,
and :class:`UploadWatch`, a middleware that records every sync upload's outcome and can hold
one at the server (after its request started, before any answer)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord, SyncBatch

from .conftest import SYNC_PATH

# The same transaction as lib/outbox/queue.js recordEvent(): the device_seq counter is read and
# bumped with the inserts, the active learner made on first use; `count` records per
# transaction of at most 500. Then it tells the app, as notify() does, that counts changed.
FILL_OUTBOX = """async ({count, lesson}) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('xuedian');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const req = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  let lastMs = 0, counter = 0;
  const uuidv7 = () => {
    let ms = Date.now();
    if (ms <= lastMs) { ms = lastMs; counter += 1; } else { counter = 0; }
    lastMs = ms;
    const b = crypto.getRandomValues(new Uint8Array(16));
    const high = Math.floor(ms / 0x10000);
    b[0] = (high >>> 24) & 255; b[1] = (high >>> 16) & 255; b[2] = (high >>> 8) & 255;
    b[3] = high & 255; b[4] = (ms >>> 8) & 255; b[5] = ms & 255;
    b[6] = 0x70 | ((counter >>> 8) & 15); b[7] = counter & 255; b[8] = 0x80 | (b[8] & 63);
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    const part = (a, z) => h.slice(a, z);
    return `${part(0, 8)}-${part(8, 12)}-${part(12, 16)}-${part(16, 20)}-${part(20)}`;
  };
  for (let done = 0; done < count;) {
    const n = Math.min(500, count - done);
    const tx = db.transaction(['meta', 'outbox'], 'readwrite');
    const meta = tx.objectStore('meta');
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    let learner = await req(meta.get('active_learner'));
    if (!learner) {
      learner = crypto.randomUUID();
      meta.put(learner, 'active_learner');
      meta.put([{ id: learner, created: new Date().toISOString() }], 'profiles');
    }
    const seq = (await req(meta.get('device_seq'))) || 0;
    meta.put(seq + n, 'device_seq');
    const outbox = tx.objectStore('outbox');
    for (let i = 1; i <= n; i += 1) {
      outbox.add({
        id: uuidv7(), learner, verb: 'http://adlnet.gov/expapi/verbs/experienced',
        object: { pack: 'xuedian-welcome', version: 1, lesson },
        result: { duration: 'PT1M' },
        timestamp: new Date().toISOString(), device_seq: seq + i,
      });
    }
    await committed;
    done += n;
  }
  db.close();
  new BroadcastChannel('xuedian-outbox').postMessage({ type: 'outbox-changed' });
}"""

OUTBOX_ROWS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const get = open.result.transaction('outbox').objectStore('outbox').getAll();
    get.onsuccess = () => {
      open.result.close();
      resolve(get.result.map((r) => ({ id: r.id, seq: r.device_seq, quarantine: !!r.quarantine })));
    };
    get.onerror = () => reject(get.error);
  };
})"""

DB_READY = """() => new Promise((resolve) => {
  const open = indexedDB.open('xuedian');
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve(false);
  open.onsuccess = () => {
    const ready = open.result.objectStoreNames.contains('outbox');
    open.result.close();
    resolve(ready);
  };
})"""

# Records every text the "N 条待同步" counter shows, and how late a 100 ms timer fires
# (the longest the main thread was blocked), from now on; as an init script, from the start.
WATCH_STATUS = """() => {
  const seen = window.__xdSeen = [];
  const note = () => {
    const el = document.querySelector('[data-testid="outbox-count"]');
    const text = el ? el.textContent : null;
    if (text !== null && seen[seen.length - 1] !== text) seen.push(text);
  };
  note();
  new MutationObserver(note).observe(document,
    { subtree: true, childList: true, characterData: true });
  window.__xdStall = 0;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    window.__xdStall = Math.max(window.__xdStall, now - last - 100);
    last = now;
  }, 100);
}"""


def clock_shift_script(shift_ms: int) -> str:
    """An init script that moves the page's clock by ``shift_ms`` (changeable later through
    ``globalThis.__xdClockShift``); timers and performance.now() are untouched."""
    return f"""(() => {{
  const RealDate = Date;
  globalThis.__xdClockShift = {int(shift_ms)};
  const now = () => RealDate.now() + globalThis.__xdClockShift;
  function ShiftedDate(...args) {{
    if (!new.target) return new RealDate(now()).toString();
    return args.length ? new RealDate(...args) : new RealDate(now());
  }}
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = now;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  globalThis.Date = ShiftedDate;
}})();"""


# A phone without Background Sync (WebView): only the page flushes, on the page's clock.
NO_BACKGROUND_SYNC = """Object.defineProperty(ServiceWorkerRegistration.prototype, 'sync',
  { get: () => undefined, configurable: true });"""


def fill_outbox(page, count: int, lesson: str = "01-welcome") -> None:
    page.wait_for_function(DB_READY, timeout=15_000)
    page.evaluate(FILL_OUTBOX, {"count": count, "lesson": lesson})


def outbox_rows(page) -> list[dict]:
    return page.evaluate(OUTBOX_ROWS)


@dataclass
class Upload:
    """One POST to the sync endpoint as the server saw it."""

    started: float = field(default_factory=time.monotonic)
    #: The status the app answered; None if the app never saw the request.
    status: int | None = None
    #: Set once the server is done with it, answered or not.
    done: threading.Event = field(default_factory=threading.Event)
    held: bool = False
    #: The connection was reset by :class:`UploadWatch` instead of answered.
    cut: bool = False


class UploadWatch:
    """WSGI middleware around the live server's app: records every sync upload, and can hold
    the ``n``-th one at the server until :attr:`release` is set: ``before`` the app reads its
    body, or ``after`` the app has stored it and before its answer goes out. With ``cut``,
    the held connection is then reset, as a dropped link would: before, the app never sees
    the batch; after, its receipt never leaves."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.uploads: list[Upload] = []
        self.hold_number: int | None = None
        self.hold_when = "before"
        self.hold_cut = False
        self.holding = threading.Event()
        self.release = threading.Event()

    def hold(self, number: int, when: str = "before", cut: bool = False) -> None:
        """Hold the ``number``-th upload (1-based, counting every upload so far)."""
        assert when in ("before", "after")
        self.holding.clear()
        self.release.clear()
        self.hold_number, self.hold_when, self.hold_cut = number, when, cut

    def _wait(self, upload: Upload, environ) -> None:
        self.holding.set()
        self.release.wait(timeout=60)
        if self.hold_cut:
            upload.cut = True
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            # The dev server takes a ConnectionError for a client that went away.
            raise ConnectionResetError("link cut by the test")

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != SYNC_PATH or environ["REQUEST_METHOD"] != "POST":
            return self.app(environ, start_response)
        upload = Upload()
        with self.lock:
            self.uploads.append(upload)
            upload.held = len(self.uploads) == self.hold_number
            when = self.hold_when

        def recording_start_response(status, headers, exc_info=None):
            upload.status = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            if upload.held and when == "before":
                self._wait(upload, environ)
            body = list(self.app(environ, recording_start_response))
            if upload.held and when == "after":
                self._wait(upload, environ)
            return body
        finally:
            upload.done.set()

    def outcomes(self) -> list[str]:
        """Per upload: its status, "cut" after the app answered, or "cut unread"."""
        with self.lock:
            return [
                ("cut unread" if u.status is None else "cut") if u.cut else str(u.status)
                for u in self.uploads
            ]


def watch_uploads(live_server) -> UploadWatch:
    """Put an :class:`UploadWatch` in front of the live server's app and return it."""
    watch = UploadWatch(live_server.bytes.app)
    live_server.bytes.app = watch
    return watch


def server_state(live_server) -> dict:
    """Exact counts at the county: records, receipts, and each device's contiguous seq."""
    with live_server.app.app_context():
        records = db.session.scalar(select(func.count()).select_from(LearningRecord))
        distinct = db.session.scalar(select(func.count(func.distinct(LearningRecord.id))))
        receipts = [b.receipt for b in db.session.scalars(select(SyncBatch))]
        devices = {d.id: d for d in db.session.scalars(select(Device))}
        state = {
            "records": records,
            "distinct": distinct,
            "batches": len(receipts),
            "accepted": sum(len(r["accepted"]) for r in receipts),
            "duplicate": sum(len(r["duplicate"]) for r in receipts),
            "rejected": sum(len(r["rejected"]) for r in receipts),
            "max_seq": {k: d.max_contiguous_seq for k, d in devices.items()},
            "status": {k: d.last_status for k, d in devices.items()},
        }
        db.session.remove()
        return state
