"""The changes feed: what changed for a device since its cursor, one page at a time.

The feed owns the cursor and the county ack; every other part of a page is a section a
feature contributes through the ``feed-sections`` hook (core/hooks.py): the full derived
progress of every learner it names (learners/feedsection.py), the inbox messages after the
cursor's (push), the remote instructions not yet delivered (instructions), the catalog
version (packs), the phone's point (org), the county's issuer keys and status lists
(credentials) and the learners' points balances and history (points). Each section
reads and advances its own slot of the cursor. Which learners changed is found by the
device's ``change_seq``: ingest bumps it under the device row lock in the same transaction
as the records, so reading the counter and then the records up to it never skips a record
committed late.

The cursor is opaque to the phone: base64url of a truncated HMAC-SHA256 (under the app's
secret key) followed by the small JSON state it covers, so a phone can neither forge nor
edit one (``cursor-invalid``), nor use another device's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import current_app

from ..core import hooks
from ..core.timeutil import utcnow
from ..errors import BadRequest
from ..extensions import db
from .acks import ack
from .models import Device

#: A feed request marks the device seen at most this often (a no-op stays read-only).
SEEN_EVERY = timedelta(minutes=1)
_TAG_BYTES = 16
_CONTEXT = b"xuedian-feed-cursor\x00"
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class CursorInvalid(BadRequest):
    code = "cursor-invalid"
    message = "The feed cursor is not one this server made for this device; start again."


@dataclass
class Cursor:
    """Where a device is in the feed."""

    #: Device the cursor belongs to.
    d: str
    #: Every change up to this one has been sent (None: nothing yet, start from scratch).
    c: int | None = None
    #: The change a pass in progress goes up to, and the last learner it sent.
    n: int | None = None
    l: str | None = None  # noqa: E741 (kept short: it travels in every request)
    #: The last inbox message sent.
    m: int = 0
    #: The releases mark the progress was derived under (credits follow the releases).
    r: int = 0
    #: The last remote instruction sent (coming back with it confirms delivery).
    i: int = 0
    #: A digest of the issuer keys and status lists last sent (credentials' trust).
    t: int = 0
    #: A digest of the points balances and history last sent (points).
    p: int = 0
    #: The credits section last sent: the state it was derived under and its rows' digest.
    k: int = 0
    q: int = 0


def _key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


def _tag(payload: bytes) -> bytes:
    return hmac.new(_key(), _CONTEXT + payload, hashlib.sha256).digest()[:_TAG_BYTES]


def encode_cursor(cursor: Cursor) -> str:
    """Return the opaque text of ``cursor``."""
    payload = json.dumps(asdict(cursor), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(_tag(payload) + payload).rstrip(b"=").decode("ascii")


def _is_count(value, nullable: bool = False) -> bool:
    if value is None:
        return nullable
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def decode_cursor(text: str | None, device_id: str) -> Cursor:
    """Return the cursor in ``text`` (a fresh one for None). Raises :class:`CursorInvalid`."""
    if text is None:
        return Cursor(d=device_id)
    try:
        if not _BASE64URL.match(text):
            raise ValueError("alphabet")
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        tag, payload = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
        if not hmac.compare_digest(tag, _tag(payload)):
            raise ValueError("tag")
        cursor = Cursor(**json.loads(payload))
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise CursorInvalid() from exc
    valid = (
        cursor.d == device_id
        and _is_count(cursor.c, nullable=True)
        and _is_count(cursor.n, nullable=True)
        and (cursor.l is None or isinstance(cursor.l, str))
        and _is_count(cursor.m)
        and _is_count(cursor.r)
        and _is_count(cursor.i)
        and _is_count(cursor.t)
        and _is_count(cursor.p)
        and _is_count(cursor.k)
        and _is_count(cursor.q)
    )
    if not valid:
        raise CursorInvalid()
    return cursor


def changes(device: Device, cursor_text: str | None) -> dict:
    """Return one page of the feed for ``device`` after ``cursor_text`` (a ChangesAnswer).

    Raises :class:`CursorInvalid`.
    """
    cursor = decode_cursor(cursor_text, device.id)
    page_rows = current_app.config["XUEDIAN"].feed_page_rows
    nxt = Cursor(**asdict(cursor))
    answer: dict = {"more": False}
    confirmed = False
    for section in hooks.collect("feed-sections", device, cursor, nxt, page_rows):
        answer.update(section.fields)
        answer["more"] = answer["more"] or section.more
        confirmed = confirmed or section.confirmed
    answer["cursor"] = encode_cursor(nxt)
    answer["ack"] = ack(device)
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
        device.last_seen_at = now
        confirmed = True
    if confirmed:
        db.session.commit()  # last seen, instructions marked delivered
    return answer
