"""The certification engine: outcomes from verified records, revocations when evidence goes.

Owns the writes to ``credit_outcome`` and ``credit_account`` made from records. It runs in
two ways that give the same outcomes: incrementally from ``records-stored`` /
``records-voided`` (inside the ingest transaction, only for the learners the batch touched)
and in bulk (``xuedian credits certify``, streaming every record once, by learner). Both
are idempotent: a learner holds at most one certified outcome per definition.

Signing is not done inside ingest: the credentials service commits, and ingest's records
must commit or roll back together with what is derived from them. :mod:`.issuing` signs
the outcomes certified here later (the feed before it sends them, or the CLI).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Iterator, Mapping

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from ..learners.progress import derive
from ..sync.facts import COLUMNS as FACTS
from ..sync.models import LearningRecord
from . import definitions as defs
from .card import short_number
from .models import CERTIFIED, REVOKED, LearningAccount, Outcome, OutcomeDefinition
from .rules import PackLessons, needs

#: Learners whose records one bulk step holds in memory.
CHUNK = 500
VOIDED_REASON = "evidence-voided"


def _columns():
    r = LearningRecord
    return (r.id, r.learner, r.timestamp, r.voided, *(getattr(r, c) for c in FACTS))


def _events(records: list[Mapping]) -> dict[str, int]:
    """Attendances per pack, voided ones left out."""
    voided = {r["voids"] for r in records if r["voids"]}
    found: dict[str, int] = {}
    for r in records:
        counted = r["pack"] and not r["voided"] and r["id"] not in voided
        if r["verb_name"] == "attended" and counted:
            found[r["pack"]] = found.get(r["pack"], 0) + 1
    return found


#: What a definition of a pack the learner has no record of lacks, in the bulk pass.
UNTOUCHED = ({"need": "records", "count": 1},)


def evaluate(records: list[Mapping], definitions, packs: Mapping[str, PackLessons], full=True):
    """Return ``{definition_id: needs}`` for one learner's ``records`` (facts rows).

    Without ``full``, a definition of a pack the learner has no record of gets
    :data:`UNTOUCHED` without being worked out (every rule needs a record of its pack).
    """
    totals = derive(records)
    lessons = next(iter(totals.values())).lessons if totals else []
    by_pack: dict[str, list] = {}
    for row in lessons:
        by_pack.setdefault(row.pack, []).append(row)
    events = _events(records)
    touched = {r["pack"] for r in records} if not full else None
    return {
        d.id: needs(
            d.rule,
            d.thresholds or {},
            packs.get(d.pack_id),
            by_pack.get(d.pack_id, ()),
            events.get(d.pack_id, 0),
        )
        if full or d.pack_id in touched
        else UNTOUCHED
        for d in definitions
    }


def accounts_for(learners: Iterable[str], make: bool = True) -> dict[str, LearningAccount]:
    """Return the learning account of each learner, making those missing (``make``)."""
    learners = sorted(set(learners))
    found: dict[str, LearningAccount] = {}
    for start in range(0, len(learners), CHUNK):
        part = learners[start : start + CHUNK]
        for account in db.session.scalars(
            select(LearningAccount).where(LearningAccount.learner.in_(part))
        ):
            found[account.learner] = account
    now = utcnow()
    for learner in learners if make else ():
        if learner not in found:
            account = LearningAccount(
                learner=learner,
                subject=f"urn:uuid:{uuid.uuid4()}",
                short_number=short_number(learner),
                created_at=now,
            )
            db.session.add(account)
            found[learner] = account
    db.session.flush()
    return found


def _certified(account_ids: list[int]) -> dict[tuple[int, int], Outcome]:
    """The certified outcome of each (account, definition); an outcome an administrator
    revoked also stands there, so records never certify it again on their own."""
    found = {}
    for start in range(0, len(account_ids), CHUNK):
        part = account_ids[start : start + CHUNK]
        query = select(Outcome).where(
            Outcome.account_id.in_(part),
            (Outcome.status == CERTIFIED) | (Outcome.revoke_reason != VOIDED_REASON),
        )
        for outcome in db.session.scalars(query):
            key = (outcome.account_id, outcome.definition_id)
            if key not in found or outcome.status == CERTIFIED:
                found[key] = outcome
    return found


def _apply(results: dict[str, dict[int, list]], definitions, revoke: bool) -> tuple[int, int]:
    """Certify what is met and (``revoke``) revoke record-based outcomes no longer met.
    Return (certified, revoked)."""
    by_id = {d.id: d for d in definitions}
    earning = {learner for learner, r in results.items() if any(not n for n in r.values())}
    # An account is made with a learner's first outcome; revocation only looks for one.
    accounts = accounts_for(earning)
    if revoke:
        accounts.update(accounts_for(set(results) - earning, make=False))
    held = _certified([a.id for a in accounts.values()])
    now, made, taken = utcnow(), 0, 0
    for learner, result in results.items():
        account = accounts.get(learner)
        if account is None:
            continue
        for definition_id, missing in result.items():
            outcome = held.get((account.id, definition_id))
            if not missing and outcome is None:
                definition = by_id[definition_id]
                db.session.add(
                    Outcome(
                        account_id=account.id,
                        definition_id=definition_id,
                        status=CERTIFIED,
                        source="records",
                        evidence={"rule": definition.rule, "thresholds": definition.thresholds},
                        credit_hours=definition.credit_hours,
                        credits=definition.credits,
                        certified_at=now,
                        credential_revoked=False,
                    )
                )
                made += 1
            elif (
                missing
                and revoke
                and outcome is not None
                and outcome.status == CERTIFIED
                and outcome.source == "records"
            ):
                outcome.status, outcome.revoked_at = REVOKED, now
                outcome.revoke_reason = VOIDED_REASON
                taken += 1
    db.session.flush()
    return made, taken


def certify_learners(learners: Iterable[str], revoke: bool = False) -> tuple[int, int]:
    """Certify (and, with ``revoke``, revoke) the outcomes of ``learners`` from their
    records. Return (certified, revoked)."""
    learners = sorted(set(learners))
    definitions = defs.active_definitions()
    if not learners or not definitions:
        return 0, 0
    packs = defs.current_packs()
    made = taken = 0
    for start in range(0, len(learners), CHUNK):
        part = learners[start : start + CHUNK]
        rows = db.session.execute(
            select(*_columns()).where(LearningRecord.learner.in_(part))
        ).mappings()
        grouped: dict[str, list] = {learner: [] for learner in part}
        for row in rows:
            grouped[row["learner"]].append(row)
        results = {k: evaluate(v, definitions, packs, False) for k, v in grouped.items()}
        m, t = _apply(results, definitions, revoke)
        made, taken = made + m, taken + t
    return made, taken


def _stream() -> Iterator[tuple[str, list]]:
    query = select(*_columns()).order_by(LearningRecord.learner)
    rows = db.session.execute(query.execution_options(yield_per=5000)).mappings()
    for learner, group in itertools.groupby(rows, key=lambda r: r["learner"]):
        yield learner, list(group)


def certify_all() -> tuple[int, int]:
    """Make the default definitions, then certify and revoke from every record in one
    streaming pass. Return (certified, revoked)."""
    defs.ensure_defaults()
    definitions = defs.active_definitions()
    packs = defs.current_packs()
    made = taken = 0
    results: dict[str, dict] = {}
    for learner, records in _stream():
        results[learner] = evaluate(records, definitions, packs, full=False)
        if len(results) >= CHUNK:
            m, t = _apply(results, definitions, revoke=True)
            made, taken, results = made + m, taken + t, {}
    m, t = _apply(results, definitions, revoke=True)
    return made + m, taken + t


def on_records_stored(device_id: str, rows: list[dict]) -> None:
    """Hook ``records-stored``: certify the learners this batch touched."""
    certify_learners({row["learner"] for row in rows})


def on_records_voided(rows: list[dict]) -> None:
    """Hook ``records-voided``: revoke what the voided records no longer support."""
    certify_learners({row["learner"] for row in rows}, revoke=True)


def revoke(outcome: Outcome, reason: str) -> Outcome:
    """Revoke a certified outcome (an administrator's correction); the row stays."""
    outcome.status, outcome.revoked_at = REVOKED, utcnow()
    outcome.revoke_reason = reason[:200]
    db.session.flush()
    return outcome


def definition_of(outcome: Outcome) -> OutcomeDefinition:
    return db.session.get(OutcomeDefinition, outcome.definition_id)
