"""What a definition's rule asks of one learner: a pure function of their derived progress
(learners/progress.py) and the pack's current lessons. Owns no data.

- ``lessons-with-engagement``: at least ``lessons`` (None: every lesson of the current
  release) lessons completed *with evidence of engagement* (sync/facts.py): a three-second
  "完成" has no evidence and never counts. With ``min_score``, each lesson that has a quiz
  must also have a best quiz score of at least ``min_score`` percent.
- ``quiz-min-score``: every lesson with a quiz scored at least ``min_score`` percent.
- ``events-attended``: at least ``events`` ``attended`` records of the pack.

:func:`needs` answers what is still missing, as ``[{"need": kind, "count"/"score": n}]``;
an empty list means the rule is met. The phone turns each need into words (还差 2 课).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PackLessons:
    """A pack's current release: every lesson, and those that have a quiz."""

    lessons: frozenset[str]
    quizzed: frozenset[str]


def needs(rule: str, thresholds: dict, pack: PackLessons | None, lessons: Iterable, events: int):
    """Return what ``lessons`` (LessonProgress rows of one learner in the definition's pack)
    and ``events`` (attendances) still lack for the rule; [] when it is met. A pack not
    published (``pack`` None) can never be met by records."""
    if rule == "events-attended":
        wanted = int(thresholds.get("events") or 1)
        return [{"need": "events", "count": wanted - events}] if events < wanted else []
    if pack is None or not pack.lessons:
        return [{"need": "unpublished", "count": 0}]
    rows = {row.lesson: row for row in lessons if row.lesson in pack.lessons}
    missing = []
    min_score = thresholds.get("min_score")
    if rule == "lessons-with-engagement":
        wanted = thresholds.get("lessons")
        wanted = len(pack.lessons) if wanted is None else min(int(wanted), len(pack.lessons))
        verified = sum(1 for row in rows.values() if row.verified)
        if verified < wanted:
            missing.append({"need": "lessons", "count": wanted - verified})
    if min_score is not None and (rule == "quiz-min-score" or pack.quizzed):
        low = [
            name
            for name in sorted(pack.quizzed)
            if name not in rows
            or rows[name].best_score is None
            or rows[name].best_score * 100 < float(min_score) - 1e-9
        ]
        if low:
            missing.append({"need": "quiz", "count": len(low), "score": float(min_score)})
    return missing
