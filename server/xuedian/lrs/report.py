"""The "third-party activity" figures: statements third-party content posted to the LRS,
counted per verb and activity (voided ones left out). Phone records are not counted here:
they are the reports' own (reports/)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.timeutil import iso
from ..extensions import db
from .models import LrsStatement


@dataclass(frozen=True)
class ActivityCount:
    verb: str
    activity: str
    statements: int
    last_stored: str


def third_party_activity() -> list[ActivityCount]:
    """Count every non-voided third-party statement by (verb, activity), most first; a
    statement whose object is not an Activity counts under activity "-"."""
    count = func.count().label("n")
    rows = db.session.execute(
        select(LrsStatement.verb_id, LrsStatement.activity_id, count, func.max(LrsStatement.stored))
        .where(LrsStatement.voided.is_(False))
        .group_by(LrsStatement.verb_id, LrsStatement.activity_id)
        .order_by(count.desc(), LrsStatement.verb_id, LrsStatement.activity_id)
    )
    return [
        ActivityCount(verb, activity or "-", n, iso(last) if last else "-")
        for verb, activity, n, last in rows
    ]
