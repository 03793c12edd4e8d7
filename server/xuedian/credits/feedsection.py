"""The credits section of the changes feed: each learner of the device with their outcomes
(title, hours, credits, date, status, the compact QR text), what each pending
definition still needs, and the credentials accepted from other counties (transfer.py).
Owns no table: the cursor's ``k`` and ``q`` slots say what a device was last sent, so the
section is sent in full when it changed, when the phone starts afresh, and again when an
answer never reached the phone (it comes back with its old cursor).
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select

from ..core.hooks import FeedSection
from ..core.timeutil import iso
from ..extensions import db
from ..packs.models import PackRelease
from ..sync.models import LearnerOwner, LearningRecord
from . import definitions as defs
from .certify import _columns, evaluate
from .issuing import settle
from .models import (
    CreditTransfer,
    LearningAccount,
    Outcome,
    OutcomeDefinition,
)


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
    transfers = _transfers(accounts)
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
    return {"learners": learners, "outcomes": outcomes, "pending": pending, "transfers": transfers}


def _transfers(accounts: dict) -> list[dict]:
    """The credentials accepted from other counties into ``accounts``, oldest first."""
    learner_of = {a.id: learner for learner, a in accounts.items()}
    rows = db.session.scalars(
        select(CreditTransfer)
        .where(CreditTransfer.account_id.in_(list(learner_of)))
        .order_by(CreditTransfer.id)
    )
    return [
        {
            "learner": learner_of[t.account_id],
            "title": t.title,
            "county": t.county,
            "hours": t.credit_hours,
            "credits": t.credits,
            "accepted": iso(t.accepted_at),
        }
        for t in rows
    ]


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


def _state(device, learners: list[str]) -> str:
    """What the section's rows depend on, cheaply: the device's changes, the releases and
    definitions, its learners' outcomes (how many, the newest, how many revoked or
    still unsigned) and their transfers (how many, the newest)."""
    o = Outcome
    accounts = select(LearningAccount.id).where(LearningAccount.learner.in_(learners))
    transfers = db.session.execute(
        select(func.count(), func.max(CreditTransfer.id)).where(
            CreditTransfer.account_id.in_(accounts)
        )
    ).one()
    outcomes = db.session.execute(
        select(
            func.count(),
            func.max(o.id),
            func.count(o.revoked_at),
            func.count(o.compact),
        ).where(o.account_id.in_(accounts))
    ).one()
    releases = db.session.scalar(select(func.max(PackRelease.id))) or 0
    edited = db.session.scalar(select(func.max(OutcomeDefinition.updated_at)))
    counts = ":".join(str(x) for x in (*outcomes, *transfers))
    return f"{device.change_seq}:{releases}:{counts}:{edited}"[:120]


def _slot(text: str) -> int:
    """A cursor-sized digest of ``text`` (1 or more: 0 means "never sent")."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big") or 1


def credits_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """Hook ``feed-sections``: the device's learners' credits when they changed.

    What was sent travels in the cursor (slots ``k``: the derivation state, ``q``: the
    rows' digest), so an answer the phone never stored (a lost response, the app closed
    mid-sync) is sent again: the phone comes back with its old cursor."""
    learners = _learners(device.id)
    if not learners:
        return FeedSection({"credits": None})
    if cursor.k and cursor.k == _slot(_state(device, learners)):
        return FeedSection({"credits": None})
    rows = section_rows(learners)
    nxt.k = _slot(_state(device, learners))  # after signing, which may have changed it
    nxt.q = _slot(json.dumps(rows, sort_keys=True))
    unchanged = cursor.q == nxt.q
    return FeedSection({"credits": None if unchanged else rows}, confirmed=True)
