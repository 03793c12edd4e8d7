"""LRS clients: Basic-auth key and secret, made by an administrator; only sha256(secret)
is stored, and revoking a client ends its access at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select

from ..extensions import db
from .errors import XapiUnauthorized
from .models import LrsClient
from .statements import now


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_client(name: str) -> tuple[LrsClient, str]:
    """Create client ``name``; return it and its secret (shown once, never stored)."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("A client name has 1 to 80 characters.")
    if db.session.scalar(select(LrsClient).where(LrsClient.name == name)) is not None:
        raise ValueError(f"A client named {name} already exists.")
    secret = secrets.token_urlsafe(32)
    client = LrsClient(
        name=name, key=secrets.token_hex(16), secret_sha256=_digest(secret), created_at=now()
    )
    db.session.add(client)
    db.session.commit()
    return client, secret


def clients() -> list[LrsClient]:
    return list(db.session.scalars(select(LrsClient).order_by(LrsClient.name)))


def revoke_client(name: str) -> LrsClient:
    client = db.session.scalar(select(LrsClient).where(LrsClient.name == name))
    if client is None:
        raise LookupError(name)
    if client.revoked_at is None:
        client.revoked_at = now()
        db.session.commit()
    return client


def authenticate(header: str | None) -> LrsClient:
    """The client of a ``Basic`` Authorization header, or XapiUnauthorized."""
    if not header or not header.lower().startswith("basic "):
        raise XapiUnauthorized()
    try:
        key, _, secret = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        raise XapiUnauthorized() from None
    client = db.session.scalar(select(LrsClient).where(LrsClient.key == key))
    if client is None or client.revoked_at is not None:
        raise XapiUnauthorized()
    if not hmac.compare_digest(client.secret_sha256, _digest(secret)):
        raise XapiUnauthorized()
    return client


def authority(client: LrsClient, base: str) -> dict:
    """The authority the LRS sets on what ``client`` posts."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": base, "name": client.key},
    }
