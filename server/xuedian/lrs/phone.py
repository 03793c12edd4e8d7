"""Phone learning records, read as statements (never written): the mapping is the one of
``xuedian export xapi`` (sync/xapi.py), so learners stay pseudonymous accounts."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..sync.models import LearningRecord
from ..sync.xapi import statement as record_statement
from .validate import UUID_RE


def as_statement(record: LearningRecord, base: str) -> dict:
    out = record_statement(record, base)
    out["authority"] = {
        "objectType": "Agent",
        "account": {"homePage": base, "name": "xuedian-phones"},
    }
    return out


def exists(record_id: str) -> bool:
    """Whether a phone record has this id (a third party may not take it)."""
    return db.session.get(LearningRecord, record_id) is not None


def by_id(record_id: str, base: str, *, voided: bool) -> dict | None:
    """The record ``record_id`` as a statement, if it exists and is (not) voided."""
    if not UUID_RE.match(record_id):
        return None
    record = db.session.get(LearningRecord, record_id)
    if record is None or bool(record.voided) != voided:
        return None
    return as_statement(record, base)


def _activity_clause(iri: str, base: str):
    prefix = f"{base}/xapi/activities/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix) :].split("/")
    if len(parts) == 2 and parts[0] == "topic-requests":
        return and_(LearningRecord.kind == "topic", LearningRecord.id == parts[1])
    if len(parts) < 2 or parts[0] != "packs":
        return None
    names = dict(zip(parts[2::2], parts[3::2], strict=False))
    if len(parts) % 2 or set(names) - {"lessons", "items"}:
        return None
    return and_(
        LearningRecord.kind.not_in(("record", "topic")),
        LearningRecord.pack == parts[1],
        LearningRecord.lesson == names["lessons"]
        if "lessons" in names
        else LearningRecord.lesson.is_(None),
        LearningRecord.item == names["items"]
        if "items" in names
        else LearningRecord.item.is_(None),
    )


def query(filters: dict, base: str, after, ascending: bool, limit: int):
    """Up to ``limit`` (record, statement) pairs matching ``filters``, in stored order after
    the cursor position ``after`` = (stored, source, key) or None; None when no phone record
    can match (a registration, an agent not of this county)."""
    if filters.get("registration"):
        return []
    clauses = [LearningRecord.voided.is_(False)]
    agent = filters.get("agent")
    if agent is not None:
        account = agent.get("account") or {}
        if account.get("homePage") != base or set(agent) - {"objectType", "account", "name"}:
            return []
        if agent.get("objectType", "Agent") != "Agent":
            return []
        clauses.append(LearningRecord.learner == account.get("name"))
    if filters.get("verb"):
        clauses.append(LearningRecord.verb == filters["verb"])
    if filters.get("activity"):
        clause = _activity_clause(filters["activity"], base)
        if clause is None:
            return []
        clauses.append(clause)
    if filters.get("since") is not None:
        clauses.append(LearningRecord.received_at > filters["since"])
    if filters.get("until") is not None:
        clauses.append(LearningRecord.received_at <= filters["until"])
    col_t, col_k = LearningRecord.received_at, LearningRecord.id
    if after is not None:
        t, src, key = after
        if ascending:
            later = or_(col_t > t, and_(col_t == t, col_k > key))
            clauses.append(later if src == "p" else col_t >= t)
        else:
            earlier = or_(col_t < t, and_(col_t == t, col_k < key))
            clauses.append(earlier if src == "p" else col_t < t)
    order = (col_t.asc(), col_k.asc()) if ascending else (col_t.desc(), col_k.desc())
    rows = db.session.scalars(select(LearningRecord).where(*clauses).order_by(*order).limit(limit))
    return [((r.received_at, "p", r.id), as_statement(r, base)) for r in rows]
