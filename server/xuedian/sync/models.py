"""Tables owned by sync: devices, learning records, conflicts, quarantine, batch receipts and
the chain of custody of sync bundles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db
from ..org import models as _org_models  # noqa: F401  (device.learning_point_id's table)


class Device(db.Model):
    """A phone, known by its Ed25519 public key; its id is derived from that key."""

    __tablename__ = "device"

    #: First 32 hex characters of sha256(raw public key); older rows hold a UUID.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: base64url of the raw 32-byte key; NULL only for rows from the old token scheme.
    public_key: Mapped[str | None] = mapped_column(String(64))
    app_version: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Highest device_seq n such that every seq 1..n is stored.
    max_contiguous_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: The newest heartbeat (a batch's ``status`` plus its ``created``), and when it came.
    last_status: Mapped[dict | None] = mapped_column(JSON)
    last_status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Bumped (under the device row lock) by every ingest that stores a new record of this
    #: device; the changes feed reads it first, then the records up to it.
    change_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The learning point the phone is enrolled at: set only by a point's enrolment token
    #: (org/enrolment.py), sent with a registration or a heartbeat. NULL: unenrolled.
    learning_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_point.id"), index=True
    )
    #: When a token last moved the phone (server clock); an older bundle cannot undo it.
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LearningRecord(db.Model):
    """An append-only learning event, stored once whatever path brought it."""

    __tablename__ = "learning_record"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("device.id"))
    device_seq: Mapped[int] = mapped_column(Integer)
    learner: Mapped[str] = mapped_column(String(36), index=True)
    verb: Mapped[str] = mapped_column(String(120))
    object: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The device's ``change_seq`` of the ingest that stored it (0: stored before 0003).
    change_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The record's facts, parsed once at ingest by sync/facts.py (see its docstring).
    verb_name: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(8))
    pack: Mapped[str | None] = mapped_column(String(64))
    lesson: Mapped[str | None] = mapped_column(String(64))
    item: Mapped[str | None] = mapped_column(String(64))
    seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score: Mapped[float | None] = mapped_column(Float)
    success: Mapped[bool | None] = mapped_column(Boolean)
    #: A lesson completion's evidence kind (quiz, narration, time); None: unverified.
    engagement: Mapped[str | None] = mapped_column(String(12))
    #: For a voiding record: the id of the record it voids.
    voids: Mapped[str | None] = mapped_column(String(36), index=True)
    #: Set when a voiding record of the same learner names this one, in either order.
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = (
        Index("ix_learning_record_device_seq", "device_id", "device_seq"),
        Index("ix_learning_record_device_change", "device_id", "change_seq"),
        # The reports' learners table: each learner's quiz totals (reports/learners.py).
        Index("ix_learning_record_learner_kind", "learner", "kind"),
    )


class LearnerOwner(db.Model):
    """The device a learner id belongs to: the first that sent a record for it. Records for
    it from any other device are quarantined (``learner-not-yours``). A family phone owns
    several learners."""

    __tablename__ = "learner_owner"

    learner: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("device.id"), index=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordConflict(db.Model):
    """A record whose id was already stored with different content."""

    __tablename__ = "record_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    content_hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuarantinedRecord(db.Model):
    """A record that failed validation, kept as an excerpt with its hash and the reason
    rather than dropped (``sync/quarantine.py`` builds the rows and keeps the quotas)."""

    __tablename__ = "quarantined_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    record_id: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[dict] = mapped_column(JSON)
    #: Always NULL since migration 0009 (the record is kept as ``excerpt``, never whole).
    body: Mapped[dict | list | str | int | float | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The first bytes (at most 512) of the record's canonical JSON, cut at a character.
    excerpt: Mapped[str | None] = mapped_column(Text)
    #: sha256 hex and byte size of the record's whole canonical JSON.
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    #: Bytes this row keeps (excerpt plus reason), counted against the quotas.
    stored_bytes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The client address the record came from (a kiosk's for a forwarded bundle).
    address: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_quarantined_record_device_received", "device_id", "received_at"),
        Index("ix_quarantined_record_address_received", "address", "received_at"),
    )


class SyncBatch(db.Model):
    """The receipt of every batch, so a retried batch gets the same answer."""

    __tablename__ = "sync_batch"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncBundle(db.Model):
    """Chain of custody of one imported .xdsync file, and the answer given for it."""

    __tablename__ = "sync_bundle"

    #: The bundle's content id (``bundlefile.content_id``: its device and signed batches),
    #: so the same bundle imported again, however it was re-compressed, is recognised.
    bundle_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("device.id"), index=True)
    #: When the phone made the bundle (its own clock).
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When this server, or the kiosk that forwarded it, first received the file.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The volunteer (staff id) who uploaded it while signed in; NULL for anonymous
    #: uploads, kiosk forwards and the CLI.
    carried_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    batches: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    duplicate: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    #: The receipt of every batch, in bundle order.
    receipts: Mapped[list] = mapped_column(JSON)
