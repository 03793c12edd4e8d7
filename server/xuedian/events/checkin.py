"""Attendance at ingest: every ``attended`` record must carry a check-in token the server
signed for the event it names, valid at the record's time (hook ``record-check``); the
records stored are kept as attendances (hook ``records-stored``, dropped again by
``records-voided``), which the staff pages count. Owns the writes to ``event_attendance``.

Refusals are stable codes (docs/errors.md); sync quarantines the record and stores the
rest of the batch. The record's time is the phone's clock: an offline check-in is judged
by when the phone says it scanned, which is all an offline phone can prove.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..errors import register_code
from ..extensions import db
from . import tokens
from .models import Attendance, Event

ATTENDED = "attended"

CHECKIN_MISSING = register_code(
    "checkin-missing",
    "An attendance must carry the event's signed check-in token; it is kept in quarantine.",
)
CHECKIN_INVALID = register_code(
    "checkin-invalid",
    "The check-in token was not signed by this county; the record is kept in quarantine.",
)
CHECKIN_EXPIRED = register_code(
    "checkin-expired",
    "The check-in was made outside the event's time window; it is kept in quarantine.",
)
CHECKIN_WRONG_EVENT = register_code(
    "checkin-wrong-event",
    "The check-in token belongs to another event or course; it is kept in quarantine.",
)
CHECKIN_TOO_LONG = register_code(
    "checkin-too-long",
    "The attendance claims more time than the event's credit hours; it is kept in quarantine.",
)
CHECKIN_REPEATED = register_code(
    "checkin-repeated",
    "This learner has already checked in to this event; the record is kept in quarantine.",
)


def _refusal(row: dict, events: dict[int, Event]) -> tuple[str | None, int | None]:
    """Return (code, None) for a refused attendance, or (None, event id) for a good one."""
    evidence = (row.get("result") or {}).get("evidence") or {}
    token = evidence.get("checkin")
    if not token:
        return CHECKIN_MISSING, None
    try:
        found = tokens.verify(token)
    except tokens.TokenInvalid:
        return CHECKIN_INVALID, None
    obj = row.get("object") or {}
    event = events.get(found["e"])
    if event is None or obj.get("event") != found["e"] or obj.get("pack") != found.get("p"):
        return CHECKIN_WRONG_EVENT, None
    if not tokens.within(found, row["timestamp"]):
        return CHECKIN_EXPIRED, None
    # An attendance's duration counts as learning time (learners/progress.py): no more
    # than the hours the county gave the event.
    if row["seconds"] > round(event.credit_hours * 3600):
        return CHECKIN_TOO_LONG, None
    return None, found["e"]


def check(device_id: str, rows: list[dict]) -> dict[str, str]:
    """Hook ``record-check``: return ``{record id: code}`` of the attendances refused."""
    attended = [r for r in rows if r["verb_name"] == ATTENDED]
    if not attended:
        return {}
    wanted = {r["object"].get("event") for r in attended} - {None}
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(wanted)))}
    held = set(
        db.session.execute(
            select(Attendance.event_id, Attendance.learner).where(
                Attendance.event_id.in_(wanted),
                Attendance.learner.in_({r["learner"] for r in attended}),
            )
        ).all()
    )
    refused: dict[str, str] = {}
    for row in attended:
        code, event_id = _refusal(row, events)
        if code is None and (event_id, row["learner"]) in held:
            code = CHECKIN_REPEATED
        if code is not None:
            refused[row["id"]] = code
        else:
            held.add((event_id, row["learner"]))  # a second one in this batch is a repeat
    return refused


def on_records_stored(device_id: str, rows: list[dict]) -> None:
    """Hook ``records-stored``: keep each stored attendance (all passed :func:`check`)."""
    for row in rows:
        if row["verb_name"] != ATTENDED or row.get("voided"):
            continue
        db.session.add(
            Attendance(
                event_id=row["object"]["event"],
                learner=row["learner"],
                record_id=row["id"],
                device_id=device_id,
                checked_in_at=row["timestamp"],
            )
        )
    db.session.flush()


def on_records_voided(rows: list[dict]) -> None:
    """Hook ``records-voided``: a voided attendance no longer counts (the learner may check
    in again)."""
    ids = [row["id"] for row in rows if row.get("verb_name") == ATTENDED]
    if ids:
        db.session.execute(delete(Attendance).where(Attendance.record_id.in_(ids)))
