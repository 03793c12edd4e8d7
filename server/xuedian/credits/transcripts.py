"""A learner's record as one CLR 2.0 ``ClrCredential`` transcript (docs/credits.md,
"Transcripts"): every certified outcome's signed Open Badges credential, with its
achievement, wrapped in a transcript the county signs (``eddsa-rdfc-2022``, with a
revocation bit like every credential it issues). Made on request, never stored: it is the
account's state at that moment, and another institution verifies it like any credential.
"""

from __future__ import annotations

from sqlalchemy import select

from ..credentials import badges, compact
from ..extensions import db
from .issuing import issue, issuer_name
from .models import LearningAccount, Outcome


def signed_badges(account: LearningAccount) -> list[dict]:
    """The account's certified outcomes as signed credentials (signed now where the
    nightly run has not signed them yet), oldest first."""
    outcomes = db.session.scalars(
        select(Outcome)
        .where(Outcome.account_id == account.id, Outcome.status == "certified")
        .order_by(Outcome.id)
    )
    made = []
    for outcome in outcomes:
        if outcome.compact is None:
            issue(outcome)
        made.append(compact.decode(outcome.compact))
    return made


def transcript(account: LearningAccount) -> dict:
    """Return the signed ``ClrCredential`` of everything ``account`` has certified."""
    name = issuer_name()
    unsigned = badges.transcript(
        issuer=badges.county_profile(name),
        badges=signed_badges(account),
        name=f"{name} 学习档案 · learning record",
        subject_id=account.subject,
    )
    made = badges.issue_transcript(unsigned)
    db.session.commit()
    return made
