"""The credit bank's part of the report (``credits``): certificates issued, outcomes by
course, village and age band, and attestations waiting, for the frame's phones and points.

Reads credits' tables (credit_outcome, credit_account, credit_attestation) joined to the
learners' profiles; owns nothing. An outcome counts for the frame when its learner's
profile is on a phone in the frame; it is counted as it stands now (certified, not
revoked), whatever the period, since an outcome is a standing fact, not an activity.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..credits.models import CERTIFIED, PENDING, Attestation, LearningAccount, Outcome
from ..credits.models import OutcomeDefinition as Definition
from ..extensions import db
from ..learners.models import LearnerProfile
from .scope import Frame


def credit_figures(frame: Frame) -> dict:
    """``{"issued", "waiting", "courses", "villages", "ages"}``; each breakdown is a list of
    ``(label, outcomes, credit hours)``, largest first."""
    base = (
        select(Outcome, LearnerProfile, Definition)
        .join(LearningAccount, LearningAccount.id == Outcome.account_id)
        .join(LearnerProfile, LearnerProfile.learner == LearningAccount.learner)
        .join(Definition, Definition.id == Outcome.definition_id)
        .where(Outcome.status == CERTIFIED, LearnerProfile.device_id.in_(frame.devices()))
    )
    courses: dict[str, list] = {}
    villages: dict[str | None, list] = {}
    ages: dict[str | None, list] = {}
    issued = 0
    for outcome, profile, definition in db.session.execute(base):
        issued += outcome.credential_id is not None
        for bucket, key in (
            (courses, definition.title),
            (villages, profile.village),
            (ages, profile.age_band),
        ):
            row = bucket.setdefault(key, [0, 0.0])
            row[0] += 1
            row[1] += outcome.credit_hours
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Attestation)
        .where(Attestation.status == PENDING, Attestation.point_id.in_(frame.points()))
    )

    def ordered(bucket):
        return sorted(
            ((k, n, round(h, 2)) for k, (n, h) in bucket.items()),
            key=lambda r: (-r[1], str(r[0])),
        )

    return {
        "issued": issued,
        "waiting": waiting or 0,
        "courses": ordered(courses),
        "villages": ordered(villages),
        "ages": ordered(ages),
    }
