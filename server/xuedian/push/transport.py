"""How the county posts a push: a requests session that checks the address each connection
reaches and refuses redirects and proxies, under one :class:`Deadline` per push. Owns no data.

Apart from ``endpoints.py`` because only the sender (the scheduler's ``push-send`` job) posts:
a gunicorn worker checks endpoints when phones subscribe, and never holds requests and
urllib3 (about 6 MB) for it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .endpoints import is_public


class Deadline:
    """One push's time limit: every socket it opens is shut when the time is up."""

    def __init__(self, seconds: float, trusted: set[str]):
        self.seconds = seconds
        self.trusted = trusted
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._started = time.monotonic()

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.01, self.seconds - (time.monotonic() - self._started))

    def connected(self, sock: socket.socket) -> socket.socket:
        """Check the peer of a new connection and put it under the deadline."""
        peer = sock.getpeername()[0]
        if peer not in self.trusted and not is_public(peer):
            sock.close()
            raise requests.ConnectionError(f"push endpoint connected to non-public {peer}")
        with self._lock:
            if self.expired:
                sock.close()
                raise requests.Timeout("push deadline passed")
            self._sockets.append(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def guarded_session(deadline: Deadline) -> requests.Session:
    """A requests session whose connections pass ``deadline.connected``, that follows no
    redirect, retries nothing and ignores proxy variables."""

    class Conn(HTTPConnection):
        def _new_conn(self):
            return deadline.connected(super()._new_conn())

    class TLSConn(HTTPSConnection):
        def _new_conn(self):
            return deadline.connected(super()._new_conn())

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TLSConn

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}

    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    session.mount("http://", Adapter(max_retries=0))
    session.mount("https://", Adapter(max_retries=0))
    return session
