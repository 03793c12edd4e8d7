"""Tables owned by the LRS: its clients, the statements third-party content posts, their
lookup index, and the State / Activity Profile / Agent Profile documents.

Phone records stay in ``learning_record``; the LRS reads them (phone.py) and never writes
there, so nothing posted here changes what phones synced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class LrsClient(db.Model):
    """A Basic-auth client of the LRS; only the sha256 of its 32-byte secret is kept."""

    __tablename__ = "lrs_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LrsStatement(db.Model):
    """A statement posted to the LRS, as stored (with ``stored``, ``authority``, ``version``)."""

    __tablename__ = "lrs_statement"

    #: Insertion order; the ``more`` cursor pages on it.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    body: Mapped[dict] = mapped_column(JSON)
    verb_id: Mapped[str] = mapped_column(String(512), index=True)
    registration: Mapped[str | None] = mapped_column(String(36), index=True)
    #: The object's id when it is an Activity (the third-party activity table groups on it).
    activity_id: Mapped[str | None] = mapped_column(String(1024))
    stored: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Set when a voiding statement names this one.
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: For a voiding statement: the id it voids.
    voids: Mapped[str | None] = mapped_column(String(36), index=True)
    #: The statement this one's object names (a StatementRef), for the filter rule of xAPI
    #: 2.1.3: a statement that targets a matching statement matches too.
    target: Mapped[str | None] = mapped_column(String(36), index=True)


class LrsStatementKey(db.Model):
    """What a statement can be found by: ``agent``/``activity`` (actor or object) and
    ``ragent``/``ractivity`` (anywhere, for ``related_agents``/``related_activities``)."""

    __tablename__ = "lrs_statement_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: sha256 of the agent's IFI or the activity IRI (fits any index).
    value: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_lrs_statement_key_lookup", "kind", "value", "seq"),)


class LrsDocument(db.Model):
    """A State, Activity Profile or Agent Profile document, with its ETag."""

    __tablename__ = "lrs_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: sha256 of (resource, activity, agent IFI, registration): one scope's documents.
    scope: Mapped[str] = mapped_column(String(64), index=True)
    doc_id: Mapped[str] = mapped_column(String(512))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str] = mapped_column(String(64))
    updated: Mapped[datetime] = mapped_column(UTCDateTime)
