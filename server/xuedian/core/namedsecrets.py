"""Named machine credentials: the LRS's Basic-auth clients and the credential issuers'
bearer tokens. Each is a row with a unique ``name``, ``created_at``, ``revoked_at`` and the
sha256 of a secret that is shown once and never stored; revoking ends its access at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .timeutil import utcnow

MAX_NAME = 80


def digest(secret: str) -> str:
    """The stored form of ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add(model: type, name: str, noun: str, **columns):
    """Create the ``model`` row ``name`` with ``columns``; ``ValueError`` on a bad name.

    ``noun`` names the kind in the messages ("token", "client").
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"A {noun} name has 1 to {MAX_NAME} characters.")
    if db.session.scalar(select(model).where(model.name == name)) is not None:
        raise ValueError(f"A {noun} named {name} already exists.")
    row = model(name=name, **columns)
    if row.created_at is None:
        row.created_at = utcnow()
    db.session.add(row)
    db.session.commit()
    return row


def listed(model: type) -> list:
    """Every row of ``model``, by name."""
    return list(db.session.scalars(select(model).order_by(model.name)))


def revoke(model: type, name: str, now: Callable[[], datetime] = utcnow):
    """End row ``name``'s access; ``LookupError`` for an unknown name. Idempotent."""
    row = db.session.scalar(select(model).where(model.name == name))
    if row is None:
        raise LookupError(name)
    if row.revoked_at is None:
        row.revoked_at = now()
        db.session.commit()
    return row
