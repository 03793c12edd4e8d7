"""Enrolment tokens: what a learning point's QR code carries so that opening it places the
phone at that point, and the public address the code points at.

A token is the county's Ed25519 signature, made with the signing key ring of
``keys/service.py`` (the key that signs packs), over the canonical JSON
``{"type": "enrolment-token", "point": CODE, "key_id": K}``, written ``K.SIGNATURE``
(base64url). The point code travels beside it in the URL (``/?point=CODE&t=TOKEN``). Only
a valid token enrols: a point's public code alone places no phone anywhere. Tokens do not
expire (posters hang for years); retiring a key keeps its posters working, revoking it
(``xuedian keys revoke``) ends them. docs/protocol.md says why a signature and not an HMAC.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from flask import current_app, request
from sqlalchemy import select

from ..core.hooks import FeedSection
from ..extensions import db
from ..keys.service import SignatureRefused
from .models import LearningPoint
from .schemas import POINT_CODE

TOKEN_TYPE = "enrolment-token"  # noqa: S105  (a message type, not a secret)
#: ``<key id>.<base64url Ed25519 signature>``.
TOKEN = re.compile(r"^([A-Za-z0-9-]{1,40})\.([A-Za-z0-9_-]{86})$")


def _keyring():
    return current_app.extensions["xuedian.keyring"]


def make_token(code: str) -> str:
    """Return the enrolment token of point ``code``, signed with the active key.

    Raises :class:`~xuedian.keys.service.NoSigningKey` when the instance has none.
    """
    envelope = _keyring().sign({"type": TOKEN_TYPE, "point": code})
    return f"{envelope['signed']['key_id']}.{envelope['signature']}"


def token_point(code, token) -> LearningPoint | None:
    """Return the learning point ``code`` names if ``token`` is the county's token for it.

    Anything else (no token, a malformed, forged, revoked-key or other point's token, a
    code no point has) returns None: the caller leaves the phone where it was.
    """
    if not isinstance(code, str) or not isinstance(token, str) or not POINT_CODE.match(code):
        return None
    match = TOKEN.match(token)
    if match is None:
        return None
    key_id, signature = match.groups()
    envelope = {
        "signed": {"type": TOKEN_TYPE, "point": code, "key_id": key_id},
        "signature": signature,
    }
    try:
        _keyring().verify(envelope, TOKEN_TYPE)
    except (SignatureRefused, ValueError):
        return None
    return db.session.scalar(select(LearningPoint).where(LearningPoint.code == code))


def public_base() -> tuple[str, bool]:
    """Return ``(base URL without trailing slash, guessed)``.

    ``XUEDIAN_PUBLIC_URL`` when it is set; otherwise the address this request came to
    (``request.host_url``, which the proxy settings already corrected), and ``guessed`` is
    True so the page can say so.
    """
    configured = current_app.config["XUEDIAN"].public_url.strip()
    if configured:
        return configured.rstrip("/"), False
    return request.host_url.rstrip("/"), True


def enrol_url(point: LearningPoint, base: str) -> str:
    """The address a point's QR code and poster carry."""
    return f"{base}/?point={quote(point.code)}&t={quote(make_token(point.code))}"


def point_wire(point_id: int | None) -> dict | None:
    """The point a phone is enrolled at, as the registration answer and the feed send it."""
    if point_id is None:
        return None
    point = db.session.get(LearningPoint, point_id)
    if point is None:
        return None
    return {"code": point.code, "name": point.name, "name_en": point.name_en or point.name}


def enrol_by_token(device, code, token, now: datetime) -> None:
    """Move ``device`` (a sync Device) to the point ``code`` names if ``token`` is that
    point's enrolment token; anything else leaves it where it was. Registered for sync's
    ``enrolment-offered`` hook."""
    if not code or not token:
        return
    if device.learning_point_id is not None:
        current = db.session.get(LearningPoint, device.learning_point_id)
        if current is not None and current.code == code:
            return  # already there: no signature to check
    point = token_point(code, token)
    if point is not None:
        device.learning_point_id = point.id
        device.enrolled_at = now


def enrol_on_heartbeat(device, status: dict, created: datetime, now: datetime, live: bool) -> None:
    """Apply a heartbeat's enrolment token (``heartbeat-received``). Its ``point`` code alone
    enrols nothing (it stays in the device's ``last_status``)."""
    # A bundle's heartbeat older than the phone's last enrolment (a poster scanned online
    # after the file was made) must not move it back.
    if live or device.enrolled_at is None or min(created, now) > device.enrolled_at:
        enrol_by_token(device, status.get("point"), status.get("enrolment"), now)


def point_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """The changes feed's ``point``: where the phone is enrolled."""
    return FeedSection({"point": point_wire(device.learning_point_id)})
