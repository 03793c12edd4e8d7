"""The ``points`` section of the changes feed: each learner of the device with their
balance and newest ledger entries (docs/points.md, "On the phone"). Owns no table: the
cursor's ``p`` slot holds a digest of what was last sent, so the section travels again
only when a learner came or went or an entry was added, and always on a ``cursor: null``
request.
"""

from __future__ import annotations

import hashlib

from marshmallow import Schema, fields
from sqlalchemy import func, select

from ..core.hooks import FeedSection
from ..core.timeutil import iso
from ..extensions import db
from ..sync.models import LearnerOwner
from . import ledger
from .models import PointsEntry

#: How many of a learner's newest entries the phone is sent.
HISTORY_ROWS = 20


class PointsHistoryItem(Schema):
    #: ``earn``, ``redeem``, ``expire`` or ``reverse``.
    kind = fields.String()
    #: Signed: earn +, redeem and expire -, reverse the opposite of what it reverses.
    points = fields.Integer()
    #: A rule kind (``lesson-completed``...), ``voucher``, ``voided``, ``expiry`` or a staff word.
    reason = fields.String()
    ref = fields.String(allow_none=True)
    created = fields.String()


class PointsLearner(Schema):
    learner = fields.String()
    balance = fields.Integer()
    #: Newest first, at most :data:`HISTORY_ROWS`.
    history = fields.List(fields.Nested(PointsHistoryItem))


class PointsSection(Schema):
    #: Every learner of the device, each in full (a learner with no entries has balance 0).
    learners = fields.List(fields.Nested(PointsLearner))


def feed_fields() -> dict:
    """points' part of a changes-feed page (hook ``feed-fields``)."""
    return {"points": fields.Nested(PointsSection, allow_none=True)}


def _learners(device_id: str) -> list[str]:
    return list(
        db.session.scalars(
            select(LearnerOwner.learner)
            .where(LearnerOwner.device_id == device_id)
            .order_by(LearnerOwner.learner)
        )
    )


def points_rows(learners: list[str]) -> dict:
    """Return the points section of ``learners``: balance and newest entries of each."""
    rows = []
    for learner in learners:
        history = [
            {
                "kind": e.kind,
                "points": e.points,
                "reason": e.reason,
                "ref": e.ref,
                "created": iso(e.created),
            }
            for e in ledger.history(learner, HISTORY_ROWS)
        ]
        rows.append({"learner": learner, "balance": ledger.balance(learner), "history": history})
    return {"learners": rows}


def _mark(learners: list[str]) -> int:
    """A cursor-sized digest of the learners and of each one's entries (how many, the
    newest), read without loading the entries (1 or more: 0 means "never sent")."""
    counts = db.session.execute(
        select(PointsEntry.learner, func.count(), func.max(PointsEntry.id))
        .where(PointsEntry.learner.in_(learners))
        .group_by(PointsEntry.learner)
        .order_by(PointsEntry.learner)
    ).all()
    text = repr(learners) + repr([tuple(row) for row in counts])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big") or 1


def points_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Hook ``feed-sections``: the device's learners' points, when they changed."""
    learners = _learners(device.id)
    mark = _mark(learners)
    if cursor.p == mark:
        return FeedSection({"points": None})
    nxt.p = mark
    return FeedSection({"points": points_rows(learners)})
