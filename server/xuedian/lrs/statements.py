"""Storing and finding statements: third-party ones in ``lrs_statement`` and phone records
read through phone.py, merged in one ``stored`` order."""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from . import phone
from .errors import XapiConflict, XapiInvalid
from .keys import activity_key, agent_key, canonical, statement_keys
from .models import LrsStatement, LrsStatementKey
from .validate import VOIDED


def now() -> datetime:
    """The time to the millisecond, as xAPI times are compared."""
    t = datetime.now(UTC)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def stamp(t: datetime) -> str:
    """An xAPI time with milliseconds (the precision every database keeps)."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def store(statements: list[dict], authority: dict, version: str) -> list[str]:
    """Validate-then-store a batch (validated by the caller): all or nothing."""
    ids = [st.setdefault("id", str(uuidlib.uuid4())) for st in statements]
    for st in statements:
        _context_arrays(st)
    if len(set(i.lower() for i in ids)) != len(ids):
        raise XapiInvalid("A batch names one statement id twice.")
    stored = now()
    existing = {
        row.statement_id: row
        for row in db.session.scalars(
            select(LrsStatement).where(LrsStatement.statement_id.in_(ids))
        )
    }
    fresh = []
    for st in statements:
        old = existing.get(st["id"])
        if old is not None:
            kept = {k: v for k, v in old.body.items() if k != "timestamp" or k in st}
            if canonical(kept) != canonical(st):
                raise XapiConflict(f"Statement {st['id']} is already stored with other content.")
            continue
        if phone.exists(st["id"]):
            raise XapiConflict(f"Statement {st['id']} is a phone record.")
        fresh.append(st)
    targets = [st["object"]["id"] for st in fresh if st["verb"]["id"] == VOIDED]
    if targets:
        voidings = db.session.scalars(
            select(LrsStatement).where(LrsStatement.statement_id.in_(targets))
        ).all()
        if any(row.verb_id == VOIDED for row in voidings):
            raise XapiInvalid("A voiding statement cannot be voided.")
    for st in fresh:
        st["stored"] = stamp(stored)
        st.setdefault("timestamp", st["stored"])
        st["authority"] = authority
        st["version"] = st.get("version") or version
        is_voiding = st["verb"]["id"] == VOIDED
        row = LrsStatement(
            statement_id=st["id"],
            body=st,
            verb_id=st["verb"]["id"],
            registration=(st.get("context") or {}).get("registration"),
            activity_id=st["object"]["id"]
            if st["object"].get("objectType", "Activity") == "Activity"
            else None,
            stored=stored,
            voids=st["object"]["id"] if is_voiding else None,
            target=st["object"]["id"] if st["object"].get("objectType") == "StatementRef" else None,
        )
        db.session.add(row)
        db.session.flush()
        for kind, value in statement_keys(st):
            db.session.add(LrsStatementKey(seq=row.seq, kind=kind, value=value))
    if targets:
        db.session.execute(
            update(LrsStatement).where(LrsStatement.statement_id.in_(targets)).values(voided=True)
        )
    db.session.commit()
    return ids


def _context_arrays(st: dict) -> None:
    """Store every context activity list as an array, as the LRS returns them."""
    for part in (st, st["object"]):
        acts = (part.get("context") or {}).get("contextActivities") or {}
        for key, value in acts.items():
            if isinstance(value, dict):
                acts[key] = [value]


def get_one(statement_id: str, base: str, *, voided: bool) -> dict | None:
    row = db.session.scalar(select(LrsStatement).where(LrsStatement.statement_id == statement_id))
    if row is not None:
        return row.body if bool(row.voided) == voided else None
    return phone.by_id(statement_id, base, voided=voided)


def _matching(filters: dict):
    """The ids of statements (voided or not) meeting the filters that are not about time,
    and of every statement that targets one of them, or None when there are no such filters."""
    query = select(LrsStatement.statement_id)
    filtered = False
    for name, kind, key in (
        ("agent", "ragent" if filters.get("related_agents") else "agent", agent_key),
        (
            "activity",
            "ractivity" if filters.get("related_activities") else "activity",
            activity_key,
        ),
    ):
        if filters.get(name) is not None:
            value = key(filters[name])
            found = select(LrsStatementKey.seq).where(
                LrsStatementKey.kind == kind, LrsStatementKey.value == (value or "-")
            )
            query = query.where(LrsStatement.seq.in_(found))
            filtered = True
    if filters.get("verb"):
        query = query.where(LrsStatement.verb_id == filters["verb"])
        filtered = True
    if filters.get("registration"):
        query = query.where(LrsStatement.registration == filters["registration"])
        filtered = True
    if not filtered:
        return None
    matched = query.cte("matched", recursive=True)
    referring = select(LrsStatement.statement_id).where(
        LrsStatement.target == matched.c.statement_id
    )
    return select(matched.union(referring).c.statement_id)


def _lrs_query(filters: dict, after, ascending: bool, limit: int):
    query = select(LrsStatement).where(LrsStatement.voided.is_(False))
    matching = _matching(filters)
    if matching is not None:
        query = query.where(LrsStatement.statement_id.in_(matching))
    if filters.get("since") is not None:
        query = query.where(LrsStatement.stored > filters["since"])
    if filters.get("until") is not None:
        query = query.where(LrsStatement.stored <= filters["until"])
    col_t, col_k = LrsStatement.stored, LrsStatement.seq
    if after is not None:
        t, src, key = after
        if ascending:
            later = or_(col_t > t, and_(col_t == t, col_k > key))
            query = query.where(later if src == "l" else col_t > t)
        else:
            earlier = or_(col_t < t, and_(col_t == t, col_k < key))
            query = query.where(earlier if src == "l" else col_t <= t)
    order = (col_t.asc(), col_k.asc()) if ascending else (col_t.desc(), col_k.desc())
    rows = db.session.scalars(query.order_by(*order).limit(limit))
    return [((r.stored, "l", r.seq), r.body) for r in rows]


def find(filters: dict, base: str, after, ascending: bool, limit: int):
    """Up to ``limit`` statements of both sources, and the position to continue from (None
    at the end)."""
    rows = _lrs_query(filters, after, ascending, limit + 1)
    rows += phone.query(filters, base, after, ascending, limit + 1)
    rows.sort(key=lambda r: (r[0][0], r[0][1], str(r[0][2]).zfill(12)), reverse=not ascending)
    page, rest = rows[:limit], rows[limit:]
    position = page[-1][0] if rest and page else None
    return [body for _, body in page], position


def encode_position(position, filters: dict, ascending: bool, limit: int, fmt: str) -> str:
    t, src, key = position
    raw = {
        "t": t.isoformat(),
        "s": src,
        "k": key,
        "f": {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in filters.items()},
        "a": ascending,
        "l": limit,
        "fmt": fmt,
    }
    return json.dumps(raw, separators=(",", ":"))


def decode_position(text: str):
    raw = json.loads(text)
    t = datetime.fromisoformat(raw["t"].replace("Z", "+00:00"))
    filters = dict(raw["f"])
    for name in ("since", "until"):
        if filters.get(name):
            filters[name] = datetime.fromisoformat(filters[name])
    return (t, raw["s"], raw["k"]), filters, raw["a"], raw["l"], raw["fmt"]
