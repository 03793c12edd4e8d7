"""Signed check-in tokens: what an event's QR code carries, compact enough for a plaque.

A token is ``<base64url(canonical JSON body)>.<base64url(Ed25519 signature)>``, signed by
the server's active key (keys/service.py) over the canonical JSON of the body, exactly as
every other signed document of the county. The body::

    {"type": "checkin", "e": 12, "p": "opera", "t": "戏曲讲座", "h": 2.0,
     "nb": 1764660000, "na": 1764670000, "key_id": "k-…"}

``e`` is the event id, ``p`` the course its attendance counts toward, ``t`` its title (the
phone shows it offline), ``h`` its credit hours (the attendance's ``result.duration``),
``nb``/``na`` the Unix seconds of the window in which a check-in
is valid (the event's window widened by :data:`GRACE`). Owns no data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from ..core.canonjson import canonical_bytes
from ..keys.service import KeyExpired, KeyUnknown, SignatureInvalid, b64url, b64url_decode, keyring
from .models import Event

TYPE = "checkin"
#: How long before its start and after its end a check-in to an event still counts.
GRACE = timedelta(minutes=30)
#: Longest token accepted (a 60-character title makes about 480).
MAX_TOKEN = 1000


class TokenInvalid(ValueError):
    """The token is unreadable, or no trusted key signed it."""


def body(event: Event) -> dict:
    """Return the signed body of ``event``'s token (without ``key_id``)."""
    return {
        "type": TYPE,
        "e": event.id,
        "p": event.pack_id,
        "t": event.title,
        "h": event.credit_hours,
        "nb": int((event.starts_at - GRACE).timestamp()),
        "na": int((event.ends_at + GRACE).timestamp()),
    }


def sign(event: Event) -> str:
    """Return ``event``'s check-in token. Raises ``signing-key-missing`` without a key."""
    envelope = keyring().sign(body(event))
    return f"{b64url(canonical_bytes(envelope['signed']))}.{envelope['signature']}"


def verify(token: str) -> dict:
    """Return the body of a token a trusted, unexpired server key signed.

    Raises :class:`TokenInvalid` for anything else (a forged, altered or unreadable token).
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 1:
        raise TokenInvalid("not a check-in token")
    payload, signature = token.split(".")
    try:
        signed = json.loads(b64url_decode(payload))
        envelope = {"signed": signed, "signature": signature}
        found = keyring().verify(envelope, TYPE)
    except (ValueError, KeyUnknown, KeyExpired, SignatureInvalid) as exc:
        raise TokenInvalid(str(exc)) from exc
    for key in ("e", "nb", "na"):
        if not isinstance(found.get(key), int) or isinstance(found.get(key), bool):
            raise TokenInvalid(f"the token has no {key}")
    return found


def within(found: dict, when: datetime) -> bool:
    """Whether ``when`` lies in the token's window."""
    return found["nb"] <= when.astimezone(UTC).timestamp() <= found["na"]
