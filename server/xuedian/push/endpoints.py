"""Where the county may post a push: only to push services, only on public addresses, never
following a redirect, and within one deadline per push. Owns no data.

A phone names its push endpoint, so an unchecked one would let any phone make the county
post to its own network (SSRF). :func:`check_endpoint` runs when a phone subscribes and
again before every send: the scheme must be allowed, the host on ``push_hosts`` (an exact
host or a ``.suffix``), and every address it resolves to public. :func:`guarded_session`
(in ``transport.py``) then checks the address actually connected to (so a DNS answer that
changes in between does not help), refuses redirects and ignores proxy settings, and its
``Deadline`` shuts the connection when the push's time is up, however slowly the service
dribbles its answer.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

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
