"""Where the county may post a push: only to push services, only on public addresses, never
following a redirect, and within one deadline per push. Owns no data.

A phone names its push endpoint, so an unchecked one would let any phone make the county
post to its own network (SSRF). :func:`check_endpoint` runs when a phone subscribes and
again before every send: the scheme must be allowed, the host on ``push_hosts`` (an exact
host or a ``.suffix``), and every address it resolves to public. :func:`guarded_session`
then checks the address actually connected to (so a DNS answer that changes in between
does not help), refuses redirects and ignores proxy settings, and :class:`Deadline` shuts
the connection when the push's time is up, however slowly the service dribbles its answer.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..errors import XuedianError


class PushEndpointRefused(XuedianError):
    code = "push-endpoint-refused"
    status = 422
    message = "This push endpoint is not a known push service on a public address."


def _entries(hosts: str) -> list[str]:
    return [h.strip().lower() for h in hosts.split(",") if h.strip()]


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def trusted_literals(hosts: str) -> set[str]:
    """IP addresses listed in ``push_hosts`` as they are (allowed even when private)."""
    return {h for h in _entries(hosts) if _literal(h)}


def host_allowed(host: str, hosts: str) -> bool:
    """Whether ``host`` is on the allow-list: listed exactly, or under a ``.suffix``."""
    host = host.lower().rstrip(".")
    for entry in _entries(hosts):
        if entry.startswith("."):
            if host.endswith(entry) and len(host) > len(entry):
                return True
        elif host == entry:
            return True
    return False


def is_public(address: str) -> bool:
    """Whether ``address`` is a public unicast address (not loopback, private, link-local,
    shared, reserved or multicast; an IPv4-mapped IPv6 address is judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this; there is no DNS there)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def check_endpoint(endpoint: str, settings) -> None:
    """Refuse (:class:`PushEndpointRefused`) an endpoint the county must not post to."""
    schemes = {s.strip() for s in settings.push_endpoint_schemes.split(",") if s.strip()}
    try:
        parts = urlsplit(endpoint)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise PushEndpointRefused(reason="url") from exc
    if parts.scheme not in schemes or not host:
        raise PushEndpointRefused(reason="scheme", allowed=sorted(schemes))
    if parts.username is not None or parts.password is not None:
        raise PushEndpointRefused(reason="url")
    if _literal(host):
        if host not in trusted_literals(settings.push_hosts):
            raise PushEndpointRefused(reason="host")
        return
    if not host_allowed(host, settings.push_hosts):
        raise PushEndpointRefused(reason="host")
    try:
        addresses = resolve(host, port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError) as exc:
        raise PushEndpointRefused(reason="unresolved") from exc
    if not addresses or not all(is_public(a) for a in addresses):
        raise PushEndpointRefused(reason="address")


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
