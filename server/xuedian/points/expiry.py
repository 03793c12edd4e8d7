"""Points that expire: with ``XUEDIAN_POINTS_EXPIRE_DAYS`` set, points earned longer ago
than that and not yet spent leave the balance by an ``expire`` entry (docs/points.md).

Spending is first in, first out: every redemption, and every reversal of an earning, uses
the oldest points first. So what is due to expire at a cutoff is what was credited before
it (earnings, and refunds of a reversed redemption) less everything ever debited and
everything expired before:

    due = credited before the cutoff - debited (any time) - expired so far

The daily job writes one entry per learner and county day, keyed
``expire:<learner>:<day>``: a second run the same day finds its key and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select

from ..core.timeutil import local_day
from ..extensions import db
from ..jobs.registry import job
from . import ledger
from .models import PointsEntry


def _due(cutoff: datetime) -> list[tuple[str, int]]:
    """(learner, points due to expire) for every learner with points credited before
    ``cutoff`` that are neither spent nor expired."""
    p = PointsEntry.points
    credited_before = func.sum(
        case((and_(p > 0, PointsEntry.kind != "expire", PointsEntry.created < cutoff), p), else_=0)
    )
    used = func.sum(case((p < 0, -p), else_=0))
    due = credited_before - used
    query = (
        select(PointsEntry.learner, due)
        .group_by(PointsEntry.learner)
        .having(due > 0)
        .order_by(PointsEntry.learner)
    )
    return [(learner, int(points)) for learner, points in db.session.execute(query)]


def expire_due(now: datetime, days: int) -> tuple[int, int]:
    """Write the expiry entries due at ``now`` for points older than ``days``; return how
    many learners lost points and how many points in all. Commits."""
    if days <= 0:
        return 0, 0
    cutoff = now - timedelta(days=days)
    day = local_day(now).isoformat()
    learners = points = 0
    for learner, amount in _due(cutoff):
        key = f"expire:{learner}:{day}"
        if ledger.append(key, learner, "expire", -amount, "expiry", f"after {days} days"):
            learners += 1
            points += amount
    db.session.commit()
    return learners, points


@job(
    "points-expire",
    "20 3 * * *",
    "Expire points older than XUEDIAN_POINTS_EXPIRE_DAYS that were not spent (off at 0).",
    shared=("learners", "points"),
)
def points_expire(now: datetime) -> dict:
    learners, points = expire_due(now, current_app.config["XUEDIAN"].points_expire_days)
    return {"learners": learners, "points": points}
