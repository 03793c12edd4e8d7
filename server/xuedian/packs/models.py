"""Tables owned by packs: published releases and signed catalog snapshots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class PackRelease(db.Model):
    """One published version of a pack; the highest version is current."""

    __tablename__ = "pack_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(40))
    credit_hours: Mapped[float] = mapped_column()
    size: Mapped[int] = mapped_column(Integer)
    manifest: Mapped[str] = mapped_column(Text)  # the signed envelope, as served
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    archive_name: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("pack_id", "version", name="uq_pack_release_version"),)


class CatalogSnapshot(db.Model):
    """A signed ``catalog.json``; the newest row is served."""

    __tablename__ = "catalog_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
