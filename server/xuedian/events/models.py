"""The events feature's tables: events on site (a lecture, an opera class, a workshop) at a
learning point, and the attendances their signed check-in tokens proved at ingest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class Event(db.Model):
    """One event at one learning point, in one time window; its QR code carries a
    check-in token signed for it (events/tokens.py)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("learning_point.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    #: The course (a pack id) whose outcome definition its attendance counts toward.
    pack_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    credit_hours: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(db.Model):
    """A learner's check-in to an event, from a stored ``attended`` record whose token was
    verified; one per learner and event."""

    __tablename__ = "event_attendance"
    __table_args__ = (UniqueConstraint("event_id", "learner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    learner: Mapped[str] = mapped_column(String(36))
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
