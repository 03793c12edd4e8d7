"""Events, staff side: the form that makes one, the events a staff member may see, and
their attendance counts. Owns the writes to ``event``."""

from __future__ import annotations

import re
from datetime import datetime, time

from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import Select, func, select

from ..core.forms import FormDay, FormId, FormSchema, word_errors
from ..core.timeutil import county_zone, utcnow
from ..extensions import db
from ..org.models import LearningPoint, Staff
from ..org.scope import points_in_scope
from .models import Attendance, Event

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Clock(fields.Field):
    """A ``HH:MM`` time of day, as an ``<input type="time">`` sends it."""

    def _deserialize(self, value, attr, data, **kwargs) -> time:
        if not isinstance(value, str) or not _CLOCK.match(value):
            raise self.make_error("invalid")
        return time.fromisoformat(value)


class EventForm(FormSchema):
    """A new event: title, where, which course it counts toward, day, window, hours."""

    STRIP = ("title", "point", "pack", "day", "starts", "ends", "credit_hours")

    title = fields.String(
        required=True, validate=validate.Length(1, 60), error_messages=word_errors("ev.err.title")
    )
    point = FormId(required=True, error_messages=word_errors("ev.err.point"))
    pack = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,63}$"),
        error_messages=word_errors("ev.err.pack"),
    )
    day = FormDay(required=True, error_messages=word_errors("ev.err.day"))
    starts = Clock(required=True, error_messages=word_errors("ev.err.window"))
    ends = Clock(required=True, error_messages=word_errors("ev.err.window"))
    credit_hours = fields.Float(
        required=True,
        validate=validate.Range(0, 100),
        error_messages=word_errors("ev.err.hours"),
    )

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        if "starts" in data and "ends" in data and data["ends"] <= data["starts"]:
            raise ValidationError("ev.err.window", "ends")


def events_in_scope(staff: Staff) -> Select:
    """``SELECT event.id`` of the events at points the staff member may see."""
    return select(Event.id).where(Event.point_id.in_(points_in_scope(staff)))


def create(data: dict, point: LearningPoint, staff: Staff) -> Event:
    """Make an event from a loaded :class:`EventForm` at ``point`` (in scope)."""
    zone = county_zone()
    event = Event(
        point_id=point.id,
        title=data["title"],
        pack_id=data["pack"],
        starts_at=datetime.combine(data["day"], data["starts"], zone),
        ends_at=datetime.combine(data["day"], data["ends"], zone),
        credit_hours=data["credit_hours"],
        created_by=staff.username,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def listed(staff: Staff, limit: int = 200) -> list[tuple[Event, LearningPoint, int]]:
    """The newest events in scope, each with its point and how many checked in."""
    counts = (
        select(Attendance.event_id, func.count().label("n"))
        .group_by(Attendance.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Event, LearningPoint, func.coalesce(counts.c.n, 0))
        .join(LearningPoint, LearningPoint.id == Event.point_id)
        .outerjoin(counts, counts.c.event_id == Event.id)
        .where(Event.id.in_(events_in_scope(staff)))
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    ).all()
    return [(e, p, int(n)) for e, p, n in rows]


def attendance_count(event: Event) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.event_id == event.id)
        )
    )
