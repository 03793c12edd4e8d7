"""A county app served on a loopback port in a thread, behind a middleware that can tamper
with the catalog, cut an archive download, lose a bundle answer, and logs every request."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import make_server


@dataclass
class Seen:
    method: str
    path: str
    range: str | None
    status: int = 0


class CountyFaults:
    """WSGI middleware in front of the county app."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        #: Replace the catalog's body with this (bytes), or change one title when True.
        self.tamper_catalog: bool | bytes = False
        #: Reset the connection after this many bytes of the next archive response.
        self.cut_archive_after: int | None = None
        #: Let the county import this many bundles, then answer 503 as a lost answer would.
        self.lose_bundle_answers = 0
        #: Answer 500 (without importing) to bundle uploads whose ?name= is in this set.
        self.fail_bundle_names: set[str] = set()
        #: Answer 500 to the health check too (a county that is down, not one file).
        self.fail_health = False

    def paths(self, method: str, prefix: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.method == method and s.path.startswith(prefix)]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        entry = Seen(environ["REQUEST_METHOD"], path, environ.get("HTTP_RANGE"))
        with self.lock:
            self.seen.append(entry)

        def recording(status, headers, exc_info=None):
            entry.status = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        if path == "/api/v1/catalog" and self.tamper_catalog:
            return self._tampered_catalog(environ, recording)
        query = environ.get("QUERY_STRING", "")
        failing = any(f"name={n}" in query for n in self.fail_bundle_names)
        if (path == "/api/v1/sync/bundles" and failing) or (
            path == "/api/v1/health" and self.fail_health
        ):
            body = json.dumps({"ok": False, "code": "internal-error", "message": "Broken."})
            recording("500 Internal Server Error", [("Content-Type", "application/json")])
            return [body.encode()]
        if path == "/api/v1/sync/bundles" and self.lose_bundle_answers:
            with self.lock:
                self.lose_bundle_answers -= 1
            b"".join(self.app(environ, lambda *a, **k: None))
            body = json.dumps({"ok": False, "code": "internal-error", "message": "Lost."})
            recording("503 Service Unavailable", [("Content-Type", "application/json")])
            return [body.encode()]
        if path.endswith("/archive") and self.cut_archive_after is not None:
            cut, self.cut_archive_after = self.cut_archive_after, None
            return _cut(self.app(environ, recording), cut, environ.get("werkzeug.socket"))
        return self.app(environ, recording)

    def _tampered_catalog(self, environ, start_response):
        environ.pop("HTTP_IF_NONE_MATCH", None)
        captured = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, keep))
        if isinstance(self.tamper_catalog, bytes):
            body = self.tamper_catalog
        else:
            envelope = json.loads(body)
            for pack in envelope["signed"]["packs"]:
                pack["title"]["zh-CN"] = "被改过的课程"
            body = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def _cut(iterable, after: int, sock):
    sent = 0
    for chunk in iterable:
        if sent + len(chunk) >= after:
            yield chunk[: after - sent]
            sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("link cut by the test")
        sent += len(chunk)
        yield chunk


class LiveCounty:
    """The county app on a loopback port; :meth:`stop` then :meth:`start` keeps the port."""

    def __init__(self, app):
        self.app = app
        self.faults = CountyFaults(app)
        self.port = 0
        self.server = None
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveCounty:
        self.server = make_server("127.0.0.1", self.port, self.faults, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None
