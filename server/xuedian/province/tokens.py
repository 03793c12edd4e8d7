"""County side: the tokens a county issues to its province for pulling its aggregates.

Only the sha256 of a token is kept; the token is printed once (``xuedian province token
issue``). A pull presents it as ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .errors import TokenInvalid
from .models import ProvinceToken

PREFIX = "xdp_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(name: str) -> str:
    """Issue a token named ``name`` and return it (shown once). Raises ``ValueError`` if
    the name is taken."""
    if db.session.scalar(select(ProvinceToken.id).where(ProvinceToken.name == name)):
        raise ValueError(f"a token named {name!r} exists; revoke it or choose another name")
    token = PREFIX + secrets.token_urlsafe(32)
    db.session.add(ProvinceToken(name=name, token_sha256=_hash(token), created_at=utcnow()))
    db.session.commit()
    return token


def revoke(name: str) -> ProvinceToken:
    """End token ``name``'s pulls at once. Raises ``LookupError`` if there is none."""
    row = db.session.scalar(select(ProvinceToken).where(ProvinceToken.name == name))
    if row is None:
        raise LookupError(name)
    row.revoked_at = row.revoked_at or utcnow()
    db.session.commit()
    return row


def listed() -> list[ProvinceToken]:
    return list(db.session.scalars(select(ProvinceToken).order_by(ProvinceToken.name)))


def check(header: str | None) -> ProvinceToken:
    """The live token an ``Authorization`` header presents. Raises :class:`TokenInvalid`."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.startswith(PREFIX):
        raise TokenInvalid()
    wanted = _hash(token.strip())
    row = db.session.scalar(select(ProvinceToken).where(ProvinceToken.token_sha256 == wanted))
    if (
        row is None
        or row.revoked_at is not None
        or not hmac.compare_digest(row.token_sha256, wanted)
    ):
        raise TokenInvalid()
    row.last_used_at = utcnow()
    return row
