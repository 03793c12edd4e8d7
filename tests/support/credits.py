"""Helpers for tests of the credit bank: a credential another county issued, as the
transfer page stores it once accepted (docs/credentials.md, "Moving between counties")."""

from __future__ import annotations

import uuid

from xuedian.core.timeutil import utcnow
from xuedian.credits.certify import accounts_for
from xuedian.credits.models import CreditTransfer
from xuedian.extensions import db


def add_transfer(
    learner: str, point_id: int, title: str, credits: float, ratio: float, hours: float = 3.0
) -> None:
    """Store an accepted transfer of ``title`` from 甲县 into ``learner``'s account (in the
    caller's app context; the caller commits)."""
    db.session.add(
        CreditTransfer(
            account_id=accounts_for([learner])[learner].id,
            point_id=point_id,
            issuer_did="did:key:z6MkOtherCounty",
            county="甲县",
            credential_ref=f"urn:uuid:{uuid.uuid4()}",
            achievement="urn:xuedian:unit:1",
            title=title,
            credit_hours=hours,
            credits=credits,
            definition_id=None,
            ratio=ratio,
            status_checked="valid",
            credential={},
            accepted_by="vol-a",
            accepted_at=utcnow(),
        )
    )
