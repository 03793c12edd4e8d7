"""The ``points`` and ``redeem`` sections of the changes feed (docs/points.md, "On the
phone"): each learner of the device with their balance and newest ledger entries; and, for
a redemption phone (phones.py), the services its learning point may offer with their
prices and the daily cap (any other phone is told only that it does not redeem). Owns no
table: the cursor's ``p`` slot holds one digest of both as last sent, so they travel again
only when a learner came or went, an entry was added, the phone was marked or unmarked, or
the services or the cap changed, and always on a ``cursor: null`` request.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from marshmallow import Schema, fields
from sqlalchemy import func, select

from ..core.hooks import FeedSection
from ..core.timeutil import iso
from ..extensions import db
from ..sync.models import LearnerOwner
from . import ledger, phones
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


class RedeemService(Schema):
    #: ``points_service.id``: what a voucher's ``service`` names.
    id = fields.Integer()
    name = fields.String()
    #: The price in points a voucher made now carries.
    points = fields.Integer()


class RedeemSection(Schema):
    #: Whether this phone is a redemption phone; false: no services, the screen is hidden.
    redeems = fields.Boolean()
    #: Most points one learner may redeem offline per day (``XUEDIAN_POINTS_DAILY_CAP``).
    daily_cap = fields.Integer()
    #: The active services of the phone's learning point and the county-wide ones.
    services = fields.List(fields.Nested(RedeemService))


def feed_fields() -> dict:
    """points' part of a changes-feed page (hook ``feed-fields``)."""
    return {
        "points": fields.Nested(PointsSection, allow_none=True),
        "redeem": fields.Nested(RedeemSection, allow_none=True),
    }


def redeem_rows(device) -> dict:
    """Return the redeem section of ``device``."""
    point = phones.redeeming_point(device)
    cap = current_app.config["XUEDIAN"].points_daily_cap
    if point is None:
        return {"redeems": False, "daily_cap": cap, "services": []}
    services = [{"id": s.id, "name": s.name, "points": s.points} for s in phones.offered(point)]
    return {"redeems": True, "daily_cap": cap, "services": services}


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


def _mark(learners: list[str], redeem: dict) -> int:
    """A cursor-sized digest of the learners, of each one's entries (how many, the newest),
    read without loading the entries, and of the redeem section (1 or more: 0 means "never
    sent")."""
    counts = db.session.execute(
        select(PointsEntry.learner, func.count(), func.max(PointsEntry.id))
        .where(PointsEntry.learner.in_(learners))
        .group_by(PointsEntry.learner)
        .order_by(PointsEntry.learner)
    ).all()
    text = repr(learners) + repr([tuple(row) for row in counts]) + repr(sorted(redeem.items()))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big") or 1


def points_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Hook ``feed-sections``: the device's learners' points and what it may redeem, when
    either changed."""
    learners = _learners(device.id)
    redeem = redeem_rows(device)
    mark = _mark(learners, redeem)
    if cursor.p == mark:
        return FeedSection({"points": None, "redeem": None})
    nxt.p = mark
    return FeedSection({"points": points_rows(learners), "redeem": redeem})
