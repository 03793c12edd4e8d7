"""Progress derived from learning records: a pure function of the set of records.

The rules (docs/protocol.md, "Derived progress"):

- A record counts once, however often it arrived: records are keyed by ``id``.
- A ``voided`` record (``object.record`` = an id) removes that record of the same learner
  from every derivation, whether it came before or after it; it counts for nothing itself,
  and a voiding record cannot be voided.
- Per (learner, pack, lesson): ``completed`` if any counted record of that lesson is
  ``completed`` (a union), ``best_score`` the highest ``result.score`` of the lesson's
  records that name no quiz item (the lesson's own score, not one question's), ``seconds``
  the sum of the ``result.duration`` of its distinct records, ``updated`` the latest
  ``timestamp`` among them.
- A learner's ``hours`` = every counted duration (lessons and pack-level records) / 3600,
  rounded to 0.01. One record counts for at most :data:`MAX_RECORD_SECONDS`, so a lesson
  left open overnight does not add ten hours.
- ``credits`` = the sum of ``credit_hours`` of the packs whose every lesson, in the current
  release's manifest, the learner has completed (in any version of the pack). A pack with no
  lessons gives none, and a new release that adds a lesson takes its credits back until that
  lesson is completed too.

Nothing here depends on the order of the records, so a record that arrives late (by a
bundle through a kiosk, say) or twice changes the result only as its presence does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
#: Most seconds one record adds to a lesson's time and to a learner's hours.
MAX_RECORD_SECONDS = 4 * 3600

_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration_millis(text: str | None) -> int:
    """Return the milliseconds of an ISO 8601 duration (``PT1M5S``), capped; 0 for none.

    Whole milliseconds, so sums are exact and do not depend on the order of adding.
    """
    if not text:
        return 0
    match = _DURATION.match(text)
    if not match:
        return 0
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    total = (
        parts.get("d", 0) * 86400
        + parts.get("h", 0) * 3600
        + parts.get("m", 0) * 60
        + parts.get("s", 0)
    )
    return round(min(total, MAX_RECORD_SECONDS) * 1000)


@dataclass
class LessonProgress:
    """What one learner has done in one lesson of one pack."""

    learner: str
    pack: str
    lesson: str
    completed: bool = False
    best_score: float | None = None
    millis: int = 0
    updated: datetime | None = None

    @property
    def seconds(self) -> int:
        """Whole seconds spent, rounded."""
        return round(self.millis / 1000)


@dataclass
class LearnerTotals:
    """One learner's sums over every pack."""

    learner: str
    lessons_completed: int = 0
    hours: float = 0.0
    credits: float = 0.0
    lessons: list[LessonProgress] = field(default_factory=list)


def _distinct(records: Iterable[Mapping]) -> dict[str, Mapping]:
    """Return records by id; of two different bodies under one id, a fixed one wins."""
    by_id: dict[str, Mapping] = {}
    for record in records:
        known = by_id.get(record["id"])
        if known is None:
            by_id[record["id"]] = record
        elif known is not record and _order_key(record) < _order_key(known):
            # Storage never holds two bodies under one id; this only keeps the function
            # independent of order for callers that pass such a pair anyway.
            by_id[record["id"]] = record
    return by_id


def _order_key(record: Mapping) -> str:
    return json.dumps(record, sort_keys=True, default=str)


def derive(
    records: Iterable[Mapping],
    packs: Mapping[str, tuple[float, frozenset[str]]] | None = None,
) -> dict[str, LearnerTotals]:
    """Return every learner's progress and totals from ``records``.

    ``records`` are mappings with ``id``, ``learner``, ``verb``, ``object``, ``result`` and
    ``timestamp`` (as stored). ``packs`` maps a pack id to ``(credit_hours, lesson ids of the
    current release)``; without it no credits are given. The lessons of each learner come
    sorted by (pack, lesson).
    """
    by_id = _distinct(records)
    voided = {
        (r["learner"], r["object"].get("record"))
        for r in by_id.values()
        if r["verb"] == VOIDED and r["object"].get("record")
    }
    lessons: dict[tuple[str, str, str], LessonProgress] = {}
    millis: dict[str, int] = {}
    for record in by_id.values():
        learner = record["learner"]
        if record["verb"] == VOIDED or (learner, record["id"]) in voided:
            continue
        obj, result = record["object"], record.get("result") or {}
        spent = duration_millis(result.get("duration"))
        millis[learner] = millis.get(learner, 0) + spent
        lesson = obj.get("lesson")
        if not lesson:
            continue
        key = (learner, obj["pack"], lesson)
        row = lessons.get(key)
        if row is None:
            row = lessons[key] = LessonProgress(learner, obj["pack"], lesson)
        row.completed = row.completed or record["verb"] == COMPLETED
        score = result.get("score")
        if score is not None and "item" not in obj:
            row.best_score = score if row.best_score is None else max(row.best_score, score)
        row.millis += spent
        stamp = record["timestamp"]
        if row.updated is None or stamp > row.updated:
            row.updated = stamp

    totals = {learner: LearnerTotals(learner) for learner in millis}
    for key in sorted(lessons):
        row = lessons[key]
        totals[row.learner].lessons.append(row)
    for learner, total in totals.items():
        total.hours = round(millis[learner] / 3_600_000, 2)
        done: dict[str, set[str]] = {}
        for row in total.lessons:
            if row.completed:
                done.setdefault(row.pack, set()).add(row.lesson)
        total.lessons_completed = sum(len(v) for v in done.values())
        total.credits = round(
            sum(
                credit_hours
                for pack, (credit_hours, wanted) in (packs or {}).items()
                if wanted and wanted <= done.get(pack, set())
            ),
            2,
        )
    return totals
