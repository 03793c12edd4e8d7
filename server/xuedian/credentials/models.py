"""Tables owned by the credentials feature: every credential this county issued (its
status-list place and whether it is revoked), the Bitstring Status Lists it publishes, and
the bearer tokens machine clients issue with.

The issuer keys are files (issuerkeys.py), like the pack signing keys, not rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class IssuedCredential(db.Model):
    """A credential this county signed. ``ref`` is its ``id`` (or a made one if it had none);
    the same id signed again (a re-issue) is a row of its own with a bit of its own."""

    __tablename__ = "credential_issued"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(300), index=True)
    issuer_did: Mapped[str] = mapped_column(String(120), index=True)
    #: The most specific type: OpenBadgeCredential, ClrCredential, VerifiableCredential...
    kind: Mapped[str] = mapped_column(String(80))
    #: The status list and bit that say whether it is revoked (None: issued without status).
    status_list: Mapped[int | None] = mapped_column(Integer)
    status_index: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The signed credential as it left the county.
    body: Mapped[dict] = mapped_column(JSON)


class StatusList(db.Model):
    """One Bitstring Status List (purpose ``revocation``) of one issuer key, published at
    ``/credentials/status/<id>`` as a signed BitstringStatusListCredential."""

    __tablename__ = "credential_status_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_did: Mapped[str] = mapped_column(String(120), index=True)
    #: Bits in the list: 131,072 (16 KiB), the spec's minimum, for herd privacy.
    size: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    #: The signed list credential; re-signed after each revocation.
    credential: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IssueToken(db.Model):
    """A bearer token a machine client issues credentials with; only its sha256 is kept."""

    __tablename__ = "credential_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
