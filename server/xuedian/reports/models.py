"""Tables owned by reports: aggregates kept up to date at ingest, and what the jobs write.

Aggregates are keyed by device, not by learning point: a phone's first batch may arrive
before its heartbeat enrols it, so its point is looked up when a report is read.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class ActivityDaily(db.Model):
    """What one learner did on one phone on one local day (China time)."""

    __tablename__ = "report_activity_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    learner: Mapped[str] = mapped_column(String(36), primary_key=True)
    records: Mapped[int] = mapped_column(Integer, default=0)
    #: Lesson completions with evidence of engagement (sync/facts.py), none voided.
    lessons: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    asked: Mapped[int] = mapped_column(Integer, default=0)
    #: Lesson completions without evidence ("unverified": older phones, quick taps).
    unverified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LessonDone(db.Model):
    """A lesson a learner completed at least once (for the completion funnel)."""

    __tablename__ = "report_lesson_done"

    learner: Mapped[str] = mapped_column(String(36), primary_key=True)
    pack: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson: Mapped[str] = mapped_column(String(64), primary_key=True)


class CourseLearner(db.Model):
    """A learner who started a course, and how many of its lessons they completed."""

    __tablename__ = "report_course_learner"

    pack: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    lessons: Mapped[int] = mapped_column(Integer, default=0)


class TopicDaily(db.Model):
    """How often a topic was asked for on one phone on one local day."""

    __tablename__ = "report_topic_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class PointDaily(db.Model):
    """The nightly rollup: one learning point's day, kept for trends."""

    __tablename__ = "report_point_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    devices: Mapped[int] = mapped_column(Integer)
    devices_seen: Mapped[int] = mapped_column(Integer)
    learners: Mapped[int] = mapped_column(Integer)
    lessons: Mapped[int] = mapped_column(Integer)
    #: Lesson completions without evidence, apart from ``lessons``.
    unverified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seconds: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)


class ReportSnapshot(db.Model):
    """The weekly snapshot of one top-level area's headline figures."""

    __tablename__ = "report_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    week: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("week", "area_id", name="uq_report_snapshot_week_area"),)


class SilentAlert(db.Model):
    """The last silence alert sent for a point at one threshold (7, 14 or 30 days).

    A point is alerted again at that threshold only after it has synced since.
    """

    __tablename__ = "report_silent_alert"

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    threshold: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
