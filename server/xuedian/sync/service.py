"""Idempotent ingest of record batches, from a phone online or out of a sync bundle.

Records are inserted with "on conflict do nothing", so a record that arrives twice by any
path is stored once; the receipt is stored with the batch so a retried batch gets the same
receipt. Who may send a batch is settled before this module runs (``devices.authenticate``).

Each record's facts are parsed here, once (sync/facts.py), into its columns; a record a
voiding record names is stored or marked ``voided`` whichever arrives first. A learner id
belongs to the first device that sends it (``learner_owner``): another device's records
for it are quarantined as ``learner-not-yours``.

Ingest knows no reader of the records: it asks ``record-check`` which records a feature
refuses (quarantined with the feature's code, the rest stored), and emits
``records-stored`` and ``records-voided`` (core/hooks.py) inside its transaction, and the
features that keep derived data register.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app
from marshmallow import ValidationError as MarshmallowError
from sqlalchemy import select

from ..core import hooks
from ..core.canonjson import canonical_bytes
from ..core.dbtypes import dialect_insert
from ..core.timeutil import iso, utcnow
from ..core.transaction import retry_once_on_conflict
from ..errors import CODES, XuedianError, register_code
from ..extensions import db
from . import facts
from .devices import record_heartbeat
from .models import (
    Device,
    LearnerOwner,
    LearningRecord,
    QuarantinedRecord,
    RecordConflict,
    SyncBatch,
)
from .quarantine import check_quota
from .quarantine import row as quarantine_row
from .schemas import Record
from .store import insert_new


class BatchTooLarge(XuedianError):
    code = "batch-too-large"
    status = 413
    message = "A batch may hold at most 500 records."


class BatchIdReused(XuedianError):
    code = "batch-id-reused"
    status = 409
    message = "This batch id was already used for different records."


RECORD_INVALID = register_code(
    "record-invalid", "The record is not valid; it is kept in quarantine."
)
RECORD_CONFLICT = register_code(
    "record-conflict", "A different record with this id is already stored."
)
LEARNER_NOT_YOURS = register_code(
    "learner-not-yours",
    "This learner belongs to another phone; the record is kept in quarantine.",
)


def _advance_contiguous(device: Device) -> None:
    seqs = db.session.scalars(
        select(LearningRecord.device_seq)
        .where(
            LearningRecord.device_id == device.id,
            LearningRecord.device_seq > device.max_contiguous_seq,
        )
        .order_by(LearningRecord.device_seq)
    )
    top = device.max_contiguous_seq
    for seq in seqs:
        if seq == top + 1:
            top = seq
        elif seq > top + 1:
            break
    device.max_contiguous_seq = top


def _split(device: Device, raw_records: list, now) -> tuple[list[dict], list[dict], list[dict]]:
    """Return (rows to insert, rejections, quarantine rows) for the raw records."""
    schema = Record()
    rows, rejected, quarantine = [], [], []
    seen: set[str] = set()
    for raw in raw_records:
        try:
            if not isinstance(raw, dict):
                raise MarshmallowError("A record must be a JSON object.")
            record = schema.load(raw)
        except MarshmallowError as exc:
            kept = quarantine_row(device.id, raw, exc.normalized_messages(), RECORD_INVALID, now)
            quarantine.append(kept)
            rejected.append(
                {
                    "id": kept["record_id"],
                    "code": kept["code"],
                    "message": _first_message(kept["reason"]),
                }
            )
            continue
        body = {**raw, "device": device.id}
        row = {
            "id": record["id"],
            "device_id": device.id,
            "device_seq": record["device_seq"],
            "learner": record["learner"],
            "verb": record["verb"],
            "object": record["object"],
            "result": record["result"],
            "timestamp": record["timestamp"],
            "content_hash": hashlib.sha256(canonical_bytes(body)).hexdigest(),
            "received_at": now,
            "voided": False,
            **facts.parse(record),
        }
        if row["id"] in seen:
            rows.append({**row, "_repeat": True})
        else:
            seen.add(row["id"])
            rows.append(row)
    return rows, rejected, quarantine


def _owned_only(device: Device, rows, rejected, quarantine, now) -> list[dict]:
    """Return the rows whose learner belongs to ``device``, claiming learners no device
    owns yet; quarantine the others (``learner-not-yours``) so the rest of the batch goes on."""
    learners = {r["learner"] for r in rows}
    if not learners:
        return rows

    def owners() -> dict[str, str]:
        query = select(LearnerOwner.learner, LearnerOwner.device_id)
        return dict(db.session.execute(query.where(LearnerOwner.learner.in_(learners))).all())

    known = owners()
    unclaimed = sorted(learners - set(known))
    if unclaimed:
        dialect = db.session.get_bind().dialect.name
        stmt = dialect_insert(LearnerOwner, dialect)
        claims = [{"learner": x, "device_id": device.id, "since": now} for x in unclaimed]
        db.session.execute(stmt.on_conflict_do_nothing(index_elements=["learner"]), claims)
        known = owners()  # another device may have claimed one a moment before
    kept = []
    for row in rows:
        if known.get(row["learner"]) == device.id:
            kept.append(row)
            continue
        if row.get("_repeat"):
            continue
        reason = {"learner": [CODES[LEARNER_NOT_YOURS]]}
        quarantine.append(quarantine_row(device.id, _jsonable(row), reason, LEARNER_NOT_YOURS, now))
        rejected.append(
            {"id": row["id"], "code": LEARNER_NOT_YOURS, "message": CODES[LEARNER_NOT_YOURS]}
        )
    return kept


def _checked(device: Device, rows, rejected, quarantine, now) -> list[dict]:
    """Return the rows no feature refuses (hook ``record-check``); quarantine the others
    with the feature's code, so the rest of the batch goes on. A record whose id was
    already stored is not checked again: it is a duplicate, answered as before."""
    ids = [r["id"] for r in rows if not r.get("_repeat")]
    if not ids:
        return rows
    stored = set(db.session.scalars(select(LearningRecord.id).where(LearningRecord.id.in_(ids))))
    fresh = [r for r in rows if not r.get("_repeat") and r["id"] not in stored]
    refused: dict[str, str] = {}
    for answer in hooks.collect("record-check", device.id, fresh) if fresh else ():
        for record_id, code in answer.items():
            refused.setdefault(record_id, code)
    if not refused:
        return rows
    kept = []
    for row in rows:
        code = refused.get(row["id"])
        if code is None:
            kept.append(row)
            continue
        if row.get("_repeat"):
            continue
        message = CODES.get(code, "The record was refused.")
        reason = {"record": [message]}
        quarantine.append(quarantine_row(device.id, _jsonable(row), reason, code, now))
        rejected.append({"id": row["id"], "code": code, "message": message})
    return kept


def _mark_voided_before(fresh: list[dict]) -> None:
    """Mark the new rows that a voiding record of the same learner, stored earlier or in
    this batch, names: they are stored voided and never counted."""
    ids = [r["id"] for r in fresh if not r["voids"]]
    if not ids:
        return
    voiders = {(r["voids"], r["learner"]) for r in fresh if r["voids"]}
    voiders.update(
        db.session.execute(
            select(LearningRecord.voids, LearningRecord.learner).where(
                LearningRecord.voids.in_(ids)
            )
        ).all()
    )
    for row in fresh:
        if not row["voids"] and (row["id"], row["learner"]) in voiders:
            row["voided"] = True


def _void_stored(voiding: list[dict]) -> None:
    """Void the stored records these new voiding records name (same learner only) and
    emit ``records-voided`` for them (the report aggregates take them out)."""
    if not voiding:
        return
    wanted = {(r["voids"], r["learner"]) for r in voiding}
    r = LearningRecord
    targets = [
        dict(row)
        for row in db.session.execute(
            select(
                r.id,
                r.device_id,
                r.learner,
                r.verb,
                r.object,
                r.timestamp,
                *(getattr(r, c) for c in facts.COLUMNS),
            ).where(r.id.in_([v for v, _ in wanted]), r.voided.is_(False), r.voids.is_(None))
        ).mappings()
        if (row["id"], row["learner"]) in wanted
    ]
    if not targets:
        return
    db.session.execute(
        db.update(LearningRecord)
        .where(LearningRecord.id.in_([t["id"] for t in targets]))
        .values(voided=True)
    )
    hooks.emit("records-voided", targets)


def _first_message(reason) -> str:
    while isinstance(reason, dict | list):
        reason = next(iter(reason.values() if isinstance(reason, dict) else reason), "")
    return str(reason) or "The record is not valid."


def message_hash(signed_bytes: bytes) -> str:
    """Return the hash a batch's receipt is stored under: sha256 of its signed message."""
    return hashlib.sha256(signed_bytes).hexdigest()


def ingest(device: Device, batch: dict, body_hash: str) -> dict:
    """Store an online batch's records once each, keep its heartbeat, return its receipt.

    ``batch`` is a loaded ``sync-batch`` its device signed. Raises :class:`BatchTooLarge`
    or :class:`BatchIdReused`.
    """
    check_size(batch)

    def work() -> dict:
        lock(device)
        now = utcnow()
        receipt = ingest_batch(device, batch, body_hash, now)
        record_heartbeat(device, batch["status"], batch["created"], now)
        device.last_seen_at = now
        _fault_drill_pause()
        db.session.commit()
        return receipt

    # A concurrent retry of the same batch may commit first; the second run answers with
    # its stored receipt.
    return retry_once_on_conflict(work)


def _fault_drill_pause() -> None:
    # XUEDIAN_FAULT_INGEST_DELAY_MS (off by default) holds the transaction open with the
    # records written, so a drill can kill the server mid-batch (tests/faults/).
    delay = current_app.config["XUEDIAN"].fault_ingest_delay_ms
    if delay > 0:
        time.sleep(delay / 1000)


def check_size(batch: dict) -> None:
    """Raise :class:`BatchTooLarge` when a batch holds more records than the setting allows."""
    limit = current_app.config["XUEDIAN"].max_batch_records
    if len(batch["records"]) > limit:
        raise BatchTooLarge(f"A batch may hold at most {limit} records.", limit=limit)


def lock(device: Device) -> None:
    """Lock the device row: two batches of one device must not race on max_contiguous_seq."""
    db.session.refresh(device, with_for_update=True)


def ingest_batch(device: Device, batch: dict, body_hash: str, now) -> dict:
    """Store one batch's records inside the caller's transaction (the device locked) and
    return its receipt; a batch already stored gets its stored receipt.

    Raises :class:`BatchIdReused`.
    """
    stored = db.session.get(SyncBatch, (device.id, batch["batch_id"]))
    if stored is not None:
        if stored.body_hash != body_hash:
            raise BatchIdReused(batch_id=batch["batch_id"])
        return stored.receipt

    rows, rejected, quarantine = _split(device, batch["records"], now)
    rows = _owned_only(device, rows, rejected, quarantine, now)
    rows = _checked(device, rows, rejected, quarantine, now)
    check_quota(device.id, quarantine, now)
    # The changes feed reads device.change_seq, then the records up to it; the device row is
    # locked, so the counter and the records it covers commit together.
    change = (device.change_seq or 0) + 1
    fresh = [{**r, "change_seq": change} for r in rows if not r.get("_repeat")]
    _mark_voided_before(fresh)
    accepted = insert_new(fresh)
    if accepted:
        device.change_seq = change
        # Only what this ingest newly stored (never a duplicate), in its transaction: the
        # report aggregates count these rows.
        hooks.emit("records-stored", device.id, [r for r in fresh if r["id"] in accepted])
        _void_stored([r for r in fresh if r["id"] in accepted and r["voids"]])
    others = [r for r in rows if r["id"] not in accepted or r.get("_repeat")]
    existing = {}
    if others:
        ids = list({r["id"] for r in others})
        existing = dict(
            db.session.execute(
                select(LearningRecord.id, LearningRecord.content_hash).where(
                    LearningRecord.id.in_(ids)
                )
            ).all()
        )
    duplicate = []
    for row in others:
        if existing.get(row["id"]) == row["content_hash"]:
            duplicate.append(row["id"])
            continue
        db.session.add(
            RecordConflict(
                record_id=row["id"],
                device_id=device.id,
                content_hash=row["content_hash"],
                body=_jsonable(row),
                received_at=now,
            )
        )
        rejected.append(
            {"id": row["id"], "code": RECORD_CONFLICT, "message": CODES[RECORD_CONFLICT]}
        )
    if quarantine:
        db.session.execute(db.insert(QuarantinedRecord), quarantine)

    _advance_contiguous(device)
    receipt = {
        "ok": True,
        "batch_id": batch["batch_id"],
        "accepted": [r["id"] for r in rows if r["id"] in accepted and not r.get("_repeat")],
        "duplicate": duplicate,
        "rejected": rejected,
        "max_contiguous_seq": device.max_contiguous_seq,
    }
    db.session.add(
        SyncBatch(
            device_id=device.id,
            batch_id=batch["batch_id"],
            body_hash=body_hash,
            receipt=receipt,
            received_at=now,
        )
    )
    db.session.flush()
    return receipt


_NOT_STORED_IN_BODIES = {"_repeat", "received_at", "timestamp", "voided", *facts.COLUMNS}


def _jsonable(row: dict) -> dict:
    return {
        **{k: v for k, v in row.items() if k not in _NOT_STORED_IN_BODIES},
        "timestamp": iso(row["timestamp"]),
    }
