"""Attestations: a volunteer's word that a learner achieved an outcome no records show (an
apprenticeship with a craftsman, an offline class), and the county's decision on it.

Owns ``credit_attestation``. A volunteer attests only learners whose phone is enrolled at
a point they may see (org/scope.py); an administrator decides only attestations of points
in their scope. Approval certifies an ``attested`` outcome; nothing is certified before.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from ..learners.models import LearnerProfile
from ..org.models import LearningPoint
from ..org.scope import points_in_scope
from ..sync.models import Device
from .certify import accounts_for
from .errors import AttestationDecided, LearnerOutOfScope, OutcomeNotCertified
from .models import (
    APPROVED,
    CERTIFIED,
    DECLINED,
    PENDING,
    Attestation,
    LearningAccount,
    Outcome,
    OutcomeDefinition,
)


def learner_point(staff, learner: str) -> LearningPoint:
    """The point in ``staff``'s scope where ``learner``'s phone is enrolled. Raises
    :class:`LearnerOutOfScope`."""
    point_id = db.session.scalar(
        select(Device.learning_point_id)
        .join(LearnerProfile, LearnerProfile.device_id == Device.id)
        .where(
            LearnerProfile.learner == learner,
            Device.learning_point_id.in_(points_in_scope(staff)),
        )
    )
    if point_id is None:
        raise LearnerOutOfScope(learner=learner[:36])
    return db.session.get(LearningPoint, point_id)


def attest(staff, learner: str, definition: OutcomeDefinition, reason: str) -> Attestation:
    """Record a pending attestation by ``staff`` (flushed; the caller commits)."""
    point = learner_point(staff, learner)
    account = accounts_for([learner])[learner]
    row = Attestation(
        account_id=account.id,
        definition_id=definition.id,
        point_id=point.id,
        reason=reason[:500],
        created_by=staff.username,
        created_at=utcnow(),
        status=PENDING,
    )
    db.session.add(row)
    db.session.flush()
    return row


def in_scope(staff):
    """``SELECT`` of the attestations at points ``staff`` may see."""
    return select(Attestation).where(Attestation.point_id.in_(points_in_scope(staff)))


def waiting(staff) -> list[tuple[Attestation, LearningAccount, OutcomeDefinition]]:
    """Pending attestations in scope, oldest first, with their account and definition."""
    query = (
        in_scope(staff)
        .where(Attestation.status == PENDING)
        .add_columns(LearningAccount, OutcomeDefinition)
        .join(LearningAccount, LearningAccount.id == Attestation.account_id)
        .join(OutcomeDefinition, OutcomeDefinition.id == Attestation.definition_id)
        .order_by(Attestation.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def decide(staff, row: Attestation, approve: bool) -> Attestation:
    """Approve (certify an ``attested`` outcome) or decline ``row`` (flushed). Raises
    :class:`AttestationDecided` when it is no longer pending."""
    if row.status != PENDING:
        raise AttestationDecided(attestation=row.id)
    row.decided_by, row.decided_at = staff.username, utcnow()
    row.status = APPROVED if approve else DECLINED
    if approve:
        definition = db.session.get(OutcomeDefinition, row.definition_id)
        outcome = Outcome(
            account_id=row.account_id,
            definition_id=row.definition_id,
            status=CERTIFIED,
            source="attested",
            evidence={"attestation": row.id, "reason": row.reason, "by": row.created_by},
            credit_hours=definition.credit_hours,
            credits=definition.credits,
            certified_at=row.decided_at,
            credential_revoked=False,
        )
        db.session.add(outcome)
        db.session.flush()
        row.outcome_id = outcome.id
    db.session.flush()
    return row


def check_revocable(outcome: Outcome) -> None:
    if outcome.status != CERTIFIED:
        raise OutcomeNotCertified(outcome=outcome.id)
