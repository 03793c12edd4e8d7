"""Tables of the province tier.

County side: ``province_token`` (tokens a province pulls with; only their sha256 is kept)
and ``province_sent`` (one row per aggregates document built: its sequence number, digest
and where it went). Province side: ``province_county`` (registered counties, their public
keys and pull token) and ``province_aggregate`` (each county's latest document).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class ProvinceToken(db.Model):
    """A token this county issued to a province for pulling its aggregates."""

    __tablename__ = "province_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProvinceSent(db.Model):
    """One aggregates document this county built; ``id`` is its sequence number."""

    __tablename__ = "province_sent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    digest: Mapped[str] = mapped_column(String(64))
    #: ``push`` (the scheduled job) or ``pull`` (a province fetched it).
    via: Mapped[str] = mapped_column(String(8))
    #: Push only: ``sent``, ``failed`` (after every retry) or ``pending``.
    status: Mapped[str] = mapped_column(String(10), default="pending")


class ProvinceCounty(db.Model):
    """A county registered at this province."""

    __tablename__ = "province_county"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    url: Mapped[str] = mapped_column(String(255))
    #: The token the county issued (sent as a Bearer token when pulling).
    token: Mapped[str] = mapped_column(String(128))
    #: The county's trusted signing keys, as its ``/trusted-keys.json`` lists them.
    keys: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProvinceAggregate(db.Model):
    """The latest aggregates document of one county, verified."""

    __tablename__ = "province_aggregate"

    county_id: Mapped[int] = mapped_column(ForeignKey("province_county.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(String(8))
    body: Mapped[dict] = mapped_column(JSON)
    signature: Mapped[str] = mapped_column(String(128))
