"""The "third-party activity" figures: statements third-party content posted to the LRS,
counted per verb and activity (voided ones left out). Phone records are not counted here:
they are the reports' own (reports/)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from .models import LrsStatement


@dataclass(frozen=True)
class ActivityCount:
    verb: str
    activity: str
    statements: int
    last_stored: str


def third_party_activity() -> list[ActivityCount]:
    """Count every non-voided third-party statement by (verb, object id), most first."""
    rows = db.session.execute(
        select(LrsStatement.verb_id, LrsStatement.body, LrsStatement.stored).where(
            LrsStatement.voided.is_(False)
        )
    )
    counts: dict[tuple[str, str], list] = {}
    for verb, body, stored in rows:
        key = (verb, (body.get("object") or {}).get("id", "-"))
        entry = counts.setdefault(key, [0, stored])
        entry[0] += 1
        entry[1] = max(entry[1], stored)
    out = [
        ActivityCount(verb, activity, n, last.isoformat())
        for (verb, activity), (n, last) in counts.items()
    ]
    return sorted(out, key=lambda c: (-c.statements, c.verb, c.activity))


def third_party_total() -> int:
    return db.session.scalar(
        select(func.count()).select_from(LrsStatement).where(LrsStatement.voided.is_(False))
    )
