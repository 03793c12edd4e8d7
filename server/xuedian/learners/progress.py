"""Progress derived from learning records' facts: a pure function of the set of records.

The rules (docs/protocol.md, "Derived progress"); what one record counts for is decided by
sync/facts.py, whose columns this reads, and tests/vectors/record_facts.json holds the
cases the app's pwa/src/lib/records/facts.js must derive alike:

- A record counts once, however often it arrived: records are keyed by ``id``.
- A voiding record (``voids`` = an id) removes that record of the same learner from every
  derivation, whether it came before or after it (storage also marks it ``voided``); it
  counts for nothing itself, and a voiding record cannot be voided.
- Per (learner, pack, lesson): ``completed`` if any counted record is a lesson completion
  (``completed`` naming the lesson itself, not a question or the quiz), ``verified`` if
  one of those carries evidence of engagement, ``best_score`` the highest score of the
  quiz total (``item: "quiz"``) and of records of the lesson itself (one question's score
  is not a lesson score), ``seconds`` the sum of the distinct records' seconds, ``updated``
  the latest ``timestamp`` among them.
- A learner's ``hours`` = every counted record's seconds / 3600, rounded to 0.01 (facts
  caps one record at 4 hours, so a lesson left open overnight does not add ten).
- ``lessons_completed`` counts completed lessons (the resident is never blocked from marking
  one done); ``lessons_verified`` those with evidence.
- ``credits`` = the sum of ``credit_hours`` of the packs whose every lesson, in the current
  release's manifest, the learner has completed with evidence (in any version of the pack).
  A pack with no lessons gives none, and a new release that adds a lesson takes its credits
  back until that lesson is completed too.

Nothing here depends on the order of the records, so a record that arrives late (by a
bundle through a kiosk, say) or twice changes the result only as its presence does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..sync.facts import counts_for_score, is_completion


@dataclass
class LessonProgress:
    """What one learner has done in one lesson of one pack."""

    learner: str
    pack: str
    lesson: str
    completed: bool = False
    verified: bool = False
    best_score: float | None = None
    seconds: int = 0
    updated: datetime | None = None


@dataclass
class LearnerTotals:
    """One learner's sums over every pack."""

    learner: str
    lessons_completed: int = 0
    lessons_verified: int = 0
    #: Every counted record's seconds.
    seconds: int = 0
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

    ``records`` are mappings with ``id``, ``learner``, ``timestamp``, ``voided`` and the facts
    columns (sync/facts.py), as stored. ``packs`` maps a pack id to ``(credit_hours, lesson
    ids of the current release)``; without it no credits are given. The lessons of each
    learner come sorted by (pack, lesson).
    """
    by_id = _distinct(records)
    voided = {(r["learner"], r["voids"]) for r in by_id.values() if r["voids"]}
    lessons: dict[tuple[str, str, str], LessonProgress] = {}
    seconds: dict[str, int] = {}
    for record in by_id.values():
        learner = record["learner"]
        if record["voids"] or record.get("voided") or (learner, record["id"]) in voided:
            continue
        seconds[learner] = seconds.get(learner, 0) + record["seconds"]
        if not record["lesson"] or not record["pack"]:
            continue
        key = (learner, record["pack"], record["lesson"])
        row = lessons.get(key)
        if row is None:
            row = lessons[key] = LessonProgress(learner, record["pack"], record["lesson"])
        if is_completion(record):
            row.completed = True
            row.verified = row.verified or record["engagement"] is not None
        if counts_for_score(record):
            score = record["score"]
            row.best_score = score if row.best_score is None else max(row.best_score, score)
        row.seconds += record["seconds"]
        stamp = record["timestamp"]
        if row.updated is None or stamp > row.updated:
            row.updated = stamp

    totals = {learner: LearnerTotals(learner) for learner in seconds}
    for key in sorted(lessons):
        row = lessons[key]
        totals[row.learner].lessons.append(row)
    for learner, total in totals.items():
        total.seconds = seconds[learner]
        # Hundredths of an hour, halves up, in integers: the app rounds alike.
        total.hours = (seconds[learner] * 100 + 1800) // 3600 / 100
        verified: dict[str, set[str]] = {}
        for row in total.lessons:
            total.lessons_completed += row.completed
            if row.verified:
                verified.setdefault(row.pack, set()).add(row.lesson)
        total.lessons_verified = sum(len(v) for v in verified.values())
        total.credits = round(
            sum(
                credit_hours
                for pack, (credit_hours, wanted) in (packs or {}).items()
                if wanted and wanted <= verified.get(pack, set())
            ),
            2,
        )
    return totals
