"""Builders for events tests: an event at a point, its token, and the attendance record a
phone makes when it scans the event's QR code."""

from __future__ import annotations

from datetime import timedelta

from xuedian.core.timeutil import utcnow
from xuedian.events import tokens
from xuedian.events.models import Event
from xuedian.extensions import db

from ..credits.helpers import PACK
from ..sync.helpers import now_iso, uuid7

VERBS = "http://adlnet.gov/expapi/verbs/"


def make_event(app, point_id: int, title="戏曲讲座", pack=PACK, starts=-1, hours=2) -> int:
    """An event at ``point_id`` that started ``-starts`` hours ago (or starts later) and
    lasts ``hours``; returns its id."""
    with app.app_context():
        start = utcnow() + timedelta(hours=starts)
        event = Event(
            point_id=point_id,
            title=title,
            pack_id=pack,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            credit_hours=2.0,
            created_by="test",
            created_at=utcnow(),
        )
        db.session.add(event)
        db.session.commit()
        return event.id


def token_of(app, event_id: int) -> str:
    with app.app_context():
        return tokens.sign(db.session.get(Event, event_id))


def attendance(seq, learner, event_id, token, pack=PACK, when=None, duration="PT2H"):
    """The record a phone makes on scanning an event's code (the event's 2 credit hours)."""
    return {
        "id": uuid7(),
        "learner": learner,
        "verb": VERBS + "attended",
        "object": {"pack": pack, "version": 1, "event": event_id},
        "result": {"duration": duration, "evidence": {"checkin": token}},
        "timestamp": when or now_iso(),
        "device_seq": seq,
    }
