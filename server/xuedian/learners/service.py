"""Progress of stored learners, derived on demand from their records (learners/progress.py).

Owns no table: the records are sync's, the releases packs'. A device's feed derives only
the learners it names, reading their records through ``ix_learning_record_learner``, and
finds which learners changed through ``ix_learning_record_device_change``.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ..core.timeutil import iso
from ..extensions import db
from ..packs.models import PackRelease
from ..packs.service import current_releases
from ..sync.facts import COLUMNS as FACTS
from ..sync.models import LearnerOwner, LearningRecord
from .models import LearnerMove
from .progress import LearnerTotals, derive

#: Lesson ids of a signed manifest, by the manifest's sha256 (a manifest never changes).
_LESSONS: dict[str, frozenset[str]] = {}


def _lessons(release: PackRelease) -> frozenset[str]:
    known = _LESSONS.get(release.manifest_sha256)
    if known is None:
        manifest = json.loads(release.manifest)["signed"]
        known = frozenset(lesson["id"] for lesson in manifest["lessons"])
        _LESSONS[release.manifest_sha256] = known
    return known


def credit_rules() -> dict[str, tuple[float, frozenset[str]]]:
    """Return ``{pack_id: (credit_hours, lesson ids)}`` of every pack's current release."""
    return {r.pack_id: (r.credit_hours, _lessons(r)) for r in current_releases()}


def releases_mark() -> int:
    """Return a number that changes whenever a release is published (the newest id)."""
    return db.session.scalar(select(func.max(PackRelease.id))) or 0


def changed_learners(
    device_id: str, after: int | None, upto: int, learner_after: str | None = None
) -> list[str]:
    """Return, sorted, the learners this device owns among its records stored in changes
    ``(after, upto]``: a device never gets another device's learner's progress.

    ``after`` None means from the beginning; ``learner_after`` skips learners up to it.
    """
    query = (
        select(LearningRecord.learner)
        .join(LearnerOwner, LearnerOwner.learner == LearningRecord.learner)
        .where(
            LearningRecord.device_id == device_id,
            LearningRecord.change_seq <= upto,
            LearnerOwner.device_id == device_id,
        )
    )
    if after is not None:
        query = query.where(LearningRecord.change_seq > after)
    # A learner moved here by their recovery code changed too: their records came from
    # the old phone, so the move's own change number stands for them (learners/moves.py).
    moved = (
        select(LearnerMove.learner)
        .join(LearnerOwner, LearnerOwner.learner == LearnerMove.learner)
        .where(
            LearnerMove.to_device == device_id,
            LearnerMove.change_seq <= upto,
            LearnerOwner.device_id == device_id,
        )
    )
    if after is not None:
        query = query.where(LearningRecord.change_seq > after)
        moved = moved.where(LearnerMove.change_seq > after)
    if learner_after is not None:
        query = query.where(LearningRecord.learner > learner_after)
        moved = moved.where(LearnerMove.learner > learner_after)
    found = set(db.session.scalars(query.distinct()))
    found.update(db.session.scalars(moved))
    return sorted(found)


def learner_progress(learner: str, rules: dict[str, tuple[float, frozenset[str]]]) -> LearnerTotals:
    """Return one learner's lessons and totals from the facts of every record of theirs."""
    r = LearningRecord
    columns = (r.id, r.learner, r.timestamp, r.voided, *(getattr(r, c) for c in FACTS))
    rows = db.session.execute(select(*columns).where(r.learner == learner)).mappings()
    return derive(rows, rules).get(learner) or LearnerTotals(learner)


def progress_rows(totals: LearnerTotals) -> list[dict]:
    """Return a learner's lessons as ``progress`` items of the feed answer."""
    return [
        {
            "learner": row.learner,
            "pack": row.pack,
            "lesson": row.lesson,
            "completed": row.completed,
            "verified": row.verified,
            "best_score": row.best_score,
            "seconds": row.seconds,
            "updated": iso(row.updated) if row.updated else None,
        }
        for row in totals.lessons
    ]


def totals_row(totals: LearnerTotals) -> dict:
    """Return a learner's sums as a ``totals`` item of the feed answer."""
    return {
        "learner": totals.learner,
        "lessons_completed": totals.lessons_completed,
        "lessons_verified": totals.lessons_verified,
        "hours": totals.hours,
        "credits": totals.credits,
    }
