"""A live Xuedian server on a free loopback port, and Debian Chromium driven by Playwright.

The server runs the real app (with the built PWA and the demo pack published) in a thread
of the test process, behind :class:`FaultInjector`, which lets a test make the next sync
upload commit and then answer 503, as a lost response would, and :class:`ByteLog`, which
records the bytes each pack download request was actually sent.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.browser import CHROMIUM, CHROMIUM_ARGS
from werkzeug.serving import make_server

from xuedian import create_app

ROOT = Path(__file__).resolve().parents[2]
SYNC_PATH = "/api/v1/sync/batches"


class FaultInjector:
    """WSGI middleware that counts sync uploads and can lose the response after commit."""

    def __init__(self, app):
        self.app = app
        self.lose_next_responses = 0
        self.uploads = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != SYNC_PATH or environ["REQUEST_METHOD"] != "POST":
            return self.app(environ, start_response)
        with self.lock:
            self.uploads += 1
            lose = self.lose_next_responses > 0
            if lose:
                self.lose_next_responses -= 1
        if not lose:
            return self.app(environ, start_response)
        # Let the app commit the batch, then drop its answer as a broken link would.
        body = b"".join(self.app(environ, lambda *a, **k: None))
        assert json.loads(body)["ok"] is True
        envelope = json.dumps(
            {
                "ok": False,
                "code": "internal-error",
                "message": "Service unavailable.",
                "details": {},
            }
        ).encode()
        start_response(
            "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(envelope)))],
        )
        return [envelope]


@dataclass
class Served:
    """One /blobs/ or archive response: what was asked for and how much of it went out."""

    path: str
    range: str | None
    status: int = 0
    first: int = 0
    sent: int = 0
    cut: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def span(self) -> tuple[int, int]:
        """The byte span of the resource this response carried, half-open."""
        return (self.first, self.first + self.sent)


class _Counted:
    """A WSGI response iterable that adds every chunk it hands the server to ``entry.sent``.

    With ``cut_after``, it resets the connection once that many body bytes are out, as a
    link dropping mid-download would; with ``corrupt``, it flips the first byte it sends.
    """

    def __init__(self, iterable, entry: Served, cut_after=None, sock=None, corrupt=False):
        self.iterable = iterable
        self.entry = entry
        self.cut_after = cut_after
        self.sock = sock
        self.corrupt = corrupt

    def __iter__(self):
        for chunk in self.iterable:
            if self.corrupt and chunk:
                chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
                self.corrupt = False
            if self.cut_after is not None and self.entry.sent + len(chunk) >= self.cut_after:
                part = chunk[: self.cut_after - self.entry.sent]
                self.entry.sent += len(part)
                self.entry.cut = True
                yield part
                self.sock.shutdown(socket.SHUT_RDWR)
                # The dev server treats ConnectionError as a dropped client and stays quiet.
                raise ConnectionResetError("link cut by the test")
            self.entry.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        close = getattr(self.iterable, "close", None)
        if close:
            close()


class ByteLog:
    """WSGI middleware recording, per /blobs/ and archive request, the range and the bytes sent.

    ``hold`` is set by default; a test clears it to make pack downloads wait (for at most
    a minute) until it sets it again. :meth:`cut_next` breaks the next blob response off,
    :meth:`corrupt_next` damages one byte of it.
    """

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.entries: list[Served] = []
        self.hold = threading.Event()
        self.hold.set()
        self._cut_after: int | None = None
        self._corrupt = False

    def corrupt_next(self) -> None:
        """Flip the first byte of the next /blobs/ response."""
        with self.lock:
            self._corrupt = True

    def cut_next(self, after_bytes: int) -> None:
        """Reset the connection of the next /blobs/ response after ``after_bytes`` of body."""
        with self.lock:
            self._cut_after = after_bytes

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not (path.startswith("/blobs/") or path.endswith("/archive")):
            return self.app(environ, start_response)
        self.hold.wait(timeout=60)
        entry = Served(path=path, range=environ.get("HTTP_RANGE"))

        def recording_start_response(status, headers, exc_info=None):
            entry.status = int(status.split(" ", 1)[0])
            for name, value in headers:
                if name.lower() == "content-range" and (match := re.match(r"bytes (\d+)-", value)):
                    entry.first = int(match.group(1))
            return start_response(status, headers, exc_info)

        cut, corrupt = None, False
        with self.lock:
            self.entries.append(entry)
            if path.startswith("/blobs/"):
                cut, self._cut_after = self._cut_after, None
                corrupt, self._corrupt = self._corrupt, False
        body = self.app(environ, recording_start_response)
        return _Counted(body, entry, cut, environ.get("werkzeug.socket"), corrupt)

    def snapshot(self) -> list[Served]:
        with self.lock:
            return list(self.entries)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self._cut_after = None
            self._corrupt = False


def refetched_bytes(entries: list[Served]) -> int:
    """Bytes sent that overlap bytes already sent before for the same URL."""
    seen: dict[str, list[tuple[int, int]]] = {}
    again = 0
    for entry in sorted(entries, key=lambda e: e.at):
        a, b = entry.span
        spans = seen.setdefault(entry.path, [])
        covered = []
        for s, e in spans:
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                covered.append((lo, hi))
        # Overlaps with earlier spans may overlap each other; count each byte once.
        end = a
        for lo, hi in sorted(covered):
            lo = max(lo, end)
            if lo < hi:
                again += hi - lo
                end = hi
        spans.append((a, b))
    return again


class LiveServer:
    def __init__(self, app, faults: FaultInjector):
        self.app = app
        self.faults = faults
        self.bytes = ByteLog(faults)
        self.server = make_server("127.0.0.1", 0, self.bytes, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    dist = ROOT / "pwa" / "dist"
    assert (dist / "sw.js").is_file(), "build the PWA first: make pwa"
    return dist


def start_live_server(instance: Path, pwa_dist: Path, packs_dir: Path | None = None) -> LiveServer:
    """Publish the pack sources in ``packs_dir`` (default: content_packs/) with ``xuedian demo``
    into a new instance folder, and serve the app on a free loopback port."""
    from click.testing import CliRunner

    from xuedian.cli import main

    env = {"XUEDIAN_INSTANCE_PATH": str(instance), "XUEDIAN_PWA_DIST": str(pwa_dist)}
    args = ["demo"] + (["--packs-dir", str(packs_dir)] if packs_dir else [])
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    app = create_app({"instance_path": str(instance), "pwa_dist": str(pwa_dist)})
    return LiveServer(app, FaultInjector(app)).start()


@pytest.fixture
def live_server(tmp_path, pwa_dist):
    """The real app on SQLite with the demo pack published, served on a free port."""
    server = start_live_server(tmp_path / "instance", pwa_dist)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 740},
        "locale": "zh-CN",
        "service_workers": "allow",
    }


@pytest.fixture(scope="module")
def pack_server(tmp_path_factory, pwa_dist):
    """A live server publishing the welcome pack and ``e2e-big``, shared by one module."""
    from .pack_server import BIG, WELCOME, write_big_pack

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
