"""The county's points figures for a report frame (reports/scope.py ``Frame``): points
earned and redeemed, the services most redeemed, and the double spends found at sync.

Scope: a ledger entry counts where its learner's phone (``learner_owner``, the first
device that sent their records) is in the frame; a double spend where the device that
presented it again is. The period is the frame's local days.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..core.timeutil import day_span
from ..extensions import db
from ..sync.models import LearnerOwner
from .errors import DOUBLE_SPEND
from .models import KINDS, PointsEntry, PointsService, VoucherProblem

#: Most services the "most redeemed" table lists.
TOP_SERVICES = 20


def _entries(frame):
    """The ledger entries of the frame's learners in its period (a WHERE clause list)."""
    start, end = day_span(frame.start, frame.end)
    owners = select(LearnerOwner.learner).where(LearnerOwner.device_id.in_(frame.devices()))
    e = PointsEntry
    return [e.learner.in_(owners), e.created >= start, e.created < end]


def figures(frame) -> dict:
    """``{"totals": [(kind, entries, points)], "services": [(name, redemptions, points)],
    "double_spends": [(voucher, learner, device, first device, points, time)]}``."""
    e = PointsEntry
    where = _entries(frame)
    counted = dict(
        (kind, (n, total))
        for kind, n, total in db.session.execute(
            select(e.kind, func.count(), func.sum(e.points)).where(*where).group_by(e.kind)
        )
    )
    totals = [(kind, *counted.get(kind, (0, 0))) for kind in KINDS]
    services = db.session.execute(
        select(PointsService.name, func.count(), -func.sum(e.points))
        .join(PointsService, PointsService.id == e.service_id)
        .where(*where, e.kind == "redeem")
        .group_by(PointsService.id, PointsService.name)
        .order_by(func.count().desc(), PointsService.name)
        .limit(TOP_SERVICES)
    ).all()
    start, end = day_span(frame.start, frame.end)
    p = VoucherProblem
    spends = db.session.execute(
        select(p.voucher_id, p.learner, p.device_id, p.first_device_id, p.points, p.time)
        .where(
            p.code == DOUBLE_SPEND,
            p.device_id.in_(frame.devices()),
            p.received_at >= start,
            p.received_at < end,
        )
        .order_by(p.received_at.desc())
    ).all()
    return {
        "totals": totals,
        "services": [tuple(r) for r in services],
        "double_spends": [tuple(r) for r in spends],
    }
