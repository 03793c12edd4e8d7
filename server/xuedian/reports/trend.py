"""The dashboard's weekly trend: active learners, lessons completed with evidence and,
apart, completions unverified per week over the last :data:`WEEKS` weeks to the frame's end,
from the daily activity aggregates.

Weeks start on Monday (the county's local days), like the weekly snapshot; the last week runs
only to the frame's end. A learner active on several phones or days of a week counts once.
A week before any phone in scope had reported (and with no learning dated in it) is
unknown (``None``), shown apart from zero.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, distinct, func, select

from ..core.timeutil import local_day
from ..extensions import db
from ..sync.models import Device
from .models import ActivityDaily
from .scope import Frame

WEEKS = 12


def week_starts(end: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the ``weeks`` weeks up to the one holding ``end``, oldest first."""
    last = end - timedelta(days=end.weekday())
    return [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly(frame: Frame) -> list[dict]:
    """``[{"week": Monday, "active": learners | None, "lessons": int | None,
    "unverified": int | None}]``, oldest first, for the frame's scope (area or point)."""
    starts = week_starts(frame.end)
    a = ActivityDaily
    bucket = case(
        *[(a.day < starts[i + 1], i) for i in range(len(starts) - 1)], else_=len(starts) - 1
    )
    rows = (
        select(bucket.label("week"), a.learner, a.lessons, a.unverified)
        .where(a.device_id.in_(frame.devices()), a.day >= starts[0], a.day <= frame.end)
        .subquery()
    )
    found = {
        week: (learners, lessons or 0, unverified or 0)
        for week, learners, lessons, unverified in db.session.execute(
            select(
                rows.c.week,
                func.count(distinct(rows.c.learner)),
                func.sum(rows.c.lessons),
                func.sum(rows.c.unverified),
            ).group_by(rows.c.week)
        )
    }
    first = db.session.scalar(
        select(func.min(Device.created_at)).where(Device.id.in_(frame.devices()))
    )
    first_day = local_day(first) if first is not None else None
    out = []
    for i, start in enumerate(starts):
        known = i in found or (first_day is not None and first_day <= start + timedelta(days=6))
        active, lessons, unverified = found.get(i, (0, 0, 0))
        out.append(
            {
                "week": start,
                "active": active if known else None,
                "lessons": lessons if known else None,
                "unverified": unverified if known else None,
            }
        )
    return out
