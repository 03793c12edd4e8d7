"""The credits section of the changes feed: each learner of the device with their outcomes
(title, hours, credits, date, status, the compact QR text) and what each pending
definition still needs. Owns ``credit_delivery``: the digest of what a device was last
sent; the section is sent in full when it changed, or when the phone starts afresh.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from ..core.hooks import FeedSection
from ..core.timeutil import iso, utcnow
from ..extensions import db
from ..sync.models import LearnerOwner, LearningRecord
from . import definitions as defs
from .certify import _columns, evaluate
from .issuing import settle
from .models import CreditDelivery, LearningAccount, Outcome, OutcomeDefinition


def _learners(device_id: str) -> list[str]:
    return list(
        db.session.scalars(
            select(LearnerOwner.learner)
            .where(LearnerOwner.device_id == device_id)
            .order_by(LearnerOwner.learner)
        )
    )


def section_rows(learners: list[str]) -> dict:
    """Return the credits section of ``learners`` (outcomes signed first, if need be)."""
    accounts = {
        a.learner: a
        for a in db.session.scalars(
            select(LearningAccount).where(LearningAccount.learner.in_(learners))
        )
    }
    settle([a.id for a in accounts.values()])
    definitions = defs.active_definitions()
    by_id = {d.id: d for d in db.session.scalars(select(OutcomeDefinition))}
    packs = defs.current_packs()
    outcomes, pending = [], []
    for learner in learners:
        account = accounts.get(learner)
        held = set()
        if account is not None:
            rows = db.session.scalars(
                select(Outcome).where(Outcome.account_id == account.id).order_by(Outcome.id)
            )
            for o in rows:
                if o.status == "certified":
                    held.add(o.definition_id)
                outcomes.append(_outcome(learner, o, by_id[o.definition_id]))
        records = db.session.execute(
            select(*_columns()).where(LearningRecord.learner == learner)
        ).mappings()
        result = evaluate(list(records), definitions, packs)
        for d in definitions:
            if d.id not in held and result.get(d.id):
                pending.append(
                    {
                        "learner": learner,
                        "definition": d.id,
                        "title": d.title,
                        "hours": d.credit_hours,
                        "credits": d.credits,
                        "needs": result[d.id],
                    }
                )
    return {"learners": learners, "outcomes": outcomes, "pending": pending}


def _outcome(learner: str, o: Outcome, d: OutcomeDefinition) -> dict:
    return {
        "learner": learner,
        "definition": d.id,
        "title": d.title,
        "hours": o.credit_hours,
        "credits": o.credits,
        "certified": iso(o.certified_at),
        "status": o.status,
        "revoked": iso(o.revoked_at) if o.revoked_at else None,
        "qr": o.compact,
    }


def credits_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Hook ``feed-sections``: the device's learners' credits when they changed."""
    learners = _learners(device.id)
    if not learners:
        return FeedSection({"credits": None})
    rows = section_rows(learners)
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
    mark = db.session.get(CreditDelivery, device.id)
    if mark is not None and mark.digest == digest and cursor.c is not None:
        return FeedSection({"credits": None})
    if mark is None:
        db.session.add(CreditDelivery(device_id=device.id, digest=digest, sent_at=utcnow()))
    else:
        mark.digest, mark.sent_at = digest, utcnow()
    return FeedSection({"credits": rows}, confirmed=True)
