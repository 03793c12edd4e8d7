"""A live Xuedian server on a free loopback port, and Debian Chromium driven by Playwright.

The server runs the real app (with the built PWA and the demo pack published) in a thread
of the test process, behind :class:`FaultInjector`, which lets a test make the next sync
upload commit and then answer 503, as a lost response would.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from xuedian import create_app

ROOT = Path(__file__).resolve().parents[2]
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


class LiveServer:
    def __init__(self, app, faults: FaultInjector):
        self.app = app
        self.faults = faults
        self.server = make_server("127.0.0.1", 0, faults, threaded=True)
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


@pytest.fixture
def live_server(tmp_path, pwa_dist):
    """The real app on SQLite with the demo pack published, served on a free port."""
    from click.testing import CliRunner

    from xuedian.cli import main

    instance = tmp_path / "instance"
    env = {"XUEDIAN_INSTANCE_PATH": str(instance), "XUEDIAN_PWA_DIST": str(pwa_dist)}
    result = CliRunner().invoke(main, ["demo"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    app = create_app({"instance_path": str(instance), "pwa_dist": str(pwa_dist)})
    server = LiveServer(app, FaultInjector(app)).start()
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
