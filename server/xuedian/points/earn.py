"""Points the county's rules give for stored learning records, and their reversal when a
record is voided (hooks ``records-stored`` and ``records-voided``, inside the ingest
transaction, so points commit or roll back with the records).

A lesson earns only for a completion with verified engagement (sync/facts.py's
``engagement``), never for a three-second "完成"; an event only for an attendance with a
valid check-in token (events refuses the others at ingest); each lesson or event earns
once per learner
(a later completion of the same lesson earns nothing while the first one's points stand).
Each entry is keyed ``earn:<record id>``, so a record stored twice earns once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select

from ..core.timeutil import utcnow
from ..extensions import db
from ..sync.facts import QUIZ_PASS, is_completion
from . import ledger
from .models import PointsEntry, PointsRule


def rules() -> dict[str, int]:
    """Return the county's rules as ``{kind: points}`` (kinds with no row earn nothing)."""
    return {r.kind: r.points for r in db.session.scalars(select(PointsRule)) if r.points > 0}


def set_rule(kind: str, points: int) -> None:
    """Set the points a rule kind gives (0 switches it off); for records stored later."""
    row = db.session.get(PointsRule, kind) or PointsRule(kind=kind)
    row.points = points
    row.updated_at = utcnow()
    db.session.add(row)


def rule_of(row: Mapping) -> tuple[str, str] | None:
    """Return ``(rule kind, ref)`` a stored record counts for, or None."""
    if row.get("voided") or row.get("voids"):
        return None
    if is_completion(row) and row.get("engagement"):
        return "lesson-completed", f"{row['pack']}/{row['lesson']}"
    # The app sets the quiz total's success by QUIZ_PASS; a total without it is judged so.
    success, score = row.get("success"), row.get("score")
    passed = success if success is not None else (score is not None and score >= QUIZ_PASS)
    if row.get("kind") == "quiz" and passed:
        return "quiz-passed", f"{row['pack']}/{row['lesson']}"
    # Only an attendance with a valid check-in token is stored (events' record-check).
    event = (row.get("object") or {}).get("event")
    if row.get("verb_name") == "attended" and event is not None:
        return "event-attended", f"event/{event}"
    return None


def _already_earned(candidates: list[tuple[Mapping, str, str]]) -> set[tuple[str, str, str]]:
    """(learner, reason, ref) triples whose points stand (their net sum is above 0)."""
    learners = {row["learner"] for row, _, _ in candidates}
    e = PointsEntry
    # reverse entries carry the reason and ref of the entry they reverse
    query = (
        select(e.learner, e.reason, e.ref)
        .where(e.learner.in_(learners), e.reason.in_({k for _, k, _ in candidates}))
        .group_by(e.learner, e.reason, e.ref)
        .having(func.sum(e.points) > 0)
    )
    return {tuple(r) for r in db.session.execute(query)}


def on_records_stored(device_id: str, rows: Iterable[Mapping]) -> None:
    """Give points for newly stored records (registered for ``records-stored``)."""
    given = rules()
    if not given:
        return
    candidates = []
    for row in rows:
        found = rule_of(row)
        if found and found[0] in given:
            candidates.append((row, *found))
    if not candidates:
        return
    earned = _already_earned(candidates)
    now = utcnow()
    for row, kind, ref in candidates:
        if (row["learner"], kind, ref) in earned:
            continue
        earned.add((row["learner"], kind, ref))
        ledger.append(
            f"earn:{row['id']}", row["learner"], "earn", given[kind], kind, ref, None, now
        )


def on_records_voided(rows: Iterable[Mapping]) -> None:
    """Reverse the points of records just voided (registered for ``records-voided``)."""
    keys = [f"earn:{row['id']}" for row in rows]
    if not keys:
        return
    now = utcnow()
    for entry in db.session.scalars(select(PointsEntry).where(PointsEntry.key.in_(keys))):
        ledger.append(
            f"reverse:{entry.key}",
            entry.learner,
            "reverse",
            -entry.points,
            entry.reason,
            entry.ref,
            None,
            now,
        )
