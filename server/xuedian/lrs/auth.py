"""LRS clients: Basic-auth key and secret, made by an administrator; only sha256(secret)
is stored, and revoking a client ends its access at once."""

from __future__ import annotations

import base64
import hmac
import secrets

from sqlalchemy import select

from ..core import namedsecrets
from ..core.namedsecrets import digest
from ..extensions import db
from .errors import XapiUnauthorized
from .models import LrsClient
from .statements import now


def add_client(name: str) -> tuple[LrsClient, str]:
    """Create client ``name``; return it and its secret (shown once, never stored).

    The secret is hex (256 bits): an URL-safe secret could start with "-", which tools that
    take it as a command-line option's value read as another option (ADL's suite did)."""
    secret = secrets.token_hex(32)
    made = namedsecrets.add(
        LrsClient,
        name,
        "client",
        key=secrets.token_hex(16),
        secret_sha256=digest(secret),
        created_at=now(),
    )
    return made, secret


def clients() -> list[LrsClient]:
    return namedsecrets.listed(LrsClient)


def revoke_client(name: str) -> LrsClient:
    return namedsecrets.revoke(LrsClient, name, now)


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
    if not hmac.compare_digest(client.secret_sha256, digest(secret)):
        raise XapiUnauthorized()
    return client


def authority(client: LrsClient, base: str) -> dict:
    """The authority the LRS sets on what ``client`` posts."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": base, "name": client.key},
    }
