"""The points ledger: append an entry exactly once, read a balance (docs/points.md).

Entries are never updated or deleted; a correction is a ``reverse`` entry. Each entry has
a unique key, and appending meets an existing key with "on conflict do nothing", the same
discipline as stored records: a replayed entry is a no-op, never a second row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..core.dbtypes import dialect_insert
from ..core.timeutil import utcnow
from ..extensions import db
from .models import KINDS, PointsEntry


def insert_new(table, row: dict, keys: list[str]) -> bool:
    """Insert ``row`` into ``table`` unless its ``keys`` are there; return whether it was new.
    (The same statement on both databases: "on conflict do nothing".)"""
    dialect = db.session.get_bind().dialect.name
    stmt = dialect_insert(table, dialect)
    stmt = stmt.on_conflict_do_nothing(index_elements=keys).returning(*table.__table__.primary_key)
    return db.session.execute(stmt, row).first() is not None


def append(
    key: str,
    learner: str,
    kind: str,
    points: int,
    reason: str,
    ref: str | None = None,
    service_id: int | None = None,
    created: datetime | None = None,
) -> bool:
    """Add one entry in the caller's transaction; return False when ``key`` was there."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    row = {
        "key": key,
        "learner": learner,
        "kind": kind,
        "points": points,
        "reason": reason,
        "ref": ref,
        "service_id": service_id,
        "created": created or utcnow(),
    }
    return insert_new(PointsEntry, row, ["key"])


def balance(learner: str) -> int:
    """Return the learner's points: the sum of their entries."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.learner == learner)
    )
    return int(total or 0)


def history(learner: str, limit: int = 100) -> list[PointsEntry]:
    """Return the learner's newest entries first."""
    return list(
        db.session.scalars(
            select(PointsEntry)
            .where(PointsEntry.learner == learner)
            .order_by(PointsEntry.id.desc())
            .limit(limit)
        )
    )
