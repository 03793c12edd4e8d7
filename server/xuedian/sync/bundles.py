"""Sync bundles (.xdsync): a phone's signed batches carried as a file, and their chain of
custody (the ``sync_bundle`` table).

A bundle is gzip of UTF-8 JSON ``{"type": "xdsync", "schema_version": 1, "device_id",
"created", "registration", "batches"}``. It carries its own registration, so a county that
never saw the phone online can register it from the file. Every envelope in it is checked
before anything is stored: a bundle with one forged byte is refused as a whole. Importing
goes through the same ingest as an online batch, so a record stored once stays stored once
whatever mix of paths brings it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from marshmallow import ValidationError as MarshmallowError

from ..core.timeutil import iso, utcnow
from ..core.transaction import retry_once_on_conflict
from ..errors import ValidationFailed, XuedianError
from ..extensions import db
from .bundlefile import BundleInvalid, BundleTooLarge, content_id, decode
from .devices import (
    DeviceSignatureInvalid,
    add_device,
    known_device,
    read_registration,
    record_heartbeat,
    verify_signed,
)
from .models import Device, SyncBatch, SyncBundle
from .schemas import BundleImported
from .schemas import SyncBatch as SyncBatchSchema
from .schemas import SyncBundle as SyncBundleSchema
from .service import check_size as check_batch_size
from .service import ingest_batch, lock, message_hash


@dataclass
class VerifiedBundle:
    """A bundle whose every envelope checked out, ready to import."""

    bundle_id: str
    size: int
    device_id: str
    made_at: datetime
    registration: dict
    #: (loaded sync-batch, hash of its signed message), in bundle order.
    batches: list[tuple[dict, str]]


def _decode(data: bytes):
    return decode(data, current_app.config["XUEDIAN"].max_bundle_bytes)


def check_size(data: bytes) -> None:
    """Raise :class:`BundleTooLarge` when a bundle file is over ``max_body_bytes``."""
    limit = current_app.config["XUEDIAN"].max_body_bytes
    if len(data) > limit:
        raise BundleTooLarge(limit=limit)


def read_bundle(data: bytes) -> VerifiedBundle:
    """Return the bundle in ``data`` once every signature and schema in it checks out.

    Touches no table. Raises :class:`BundleTooLarge`, :class:`BundleInvalid`,
    :class:`DeviceSignatureInvalid` or ``batch-too-large``.
    """
    check_size(data)
    value = _decode(data)
    if not isinstance(value, dict):
        raise BundleInvalid("The bundle must be a JSON object.")
    try:
        bundle = SyncBundleSchema().load(value)
    except MarshmallowError as exc:
        raise BundleInvalid(fields=exc.normalized_messages()) from exc
    try:
        registration, _ = read_registration(**bundle["registration"])
    except ValidationFailed as exc:
        raise BundleInvalid("The bundle's registration is not valid.", **exc.details) from exc
    device_id = registration["device_id"]
    if bundle["device_id"] != device_id:
        raise BundleInvalid("The bundle names another device than its registration.")
    batches, key = [], registration["public_key"]
    for index, envelope in enumerate(bundle["batches"]):
        try:
            signed = verify_signed(**envelope, public_key=key, expected_type="sync-batch")
        except DeviceSignatureInvalid as exc:
            raise DeviceSignatureInvalid(exc.message, batch=index) from exc
        try:
            batch = SyncBatchSchema().load(envelope["signed"])
        except MarshmallowError as exc:
            raise BundleInvalid(batch=index, fields=exc.normalized_messages()) from exc
        if batch["device_id"] != device_id:
            # Signed by this phone's key yet speaking for another: refuse the whole file.
            raise DeviceSignatureInvalid("A batch names another device.", batch=index)
        check_batch_size(batch)
        batches.append((batch, message_hash(signed)))
    return VerifiedBundle(
        bundle_id=content_id(device_id, [h for _, h in batches]),
        size=len(data),
        device_id=device_id,
        made_at=bundle["created"],
        registration=registration,
        batches=batches,
    )


def import_bundle(
    data: bytes,
    name: str | None = None,
    received_at: datetime | None = None,
    carried_by: int | None = None,
):
    """Import one bundle file and return its answer (``BundleImported``).

    ``received_at`` is when a kiosk first received the file, if it says so; else now.
    ``carried_by`` is the signed-in volunteer who uploaded it, for carry-delay reports. A
    bundle imported before (the same signed batches, however the file was compressed or
    padded) is answered from its custody row and changes nothing. Raises
    :class:`BundleTooLarge`, :class:`BundleInvalid`, ``device-signature-invalid``,
    ``device-revoked``, ``batch-too-large`` or ``batch-id-reused``; then nothing is stored.
    """
    verified = read_bundle(data)
    # The same file (or the same new device) may be imported concurrently: look again then.
    return retry_once_on_conflict(lambda: _import_once(verified, name, received_at, carried_by))


def _import_once(
    verified: VerifiedBundle,
    name: str | None,
    received_at: datetime | None,
    carried_by: int | None,
):
    stored = db.session.get(SyncBundle, verified.bundle_id)
    if stored is not None:
        return answer(stored, name, already_imported=True)
    now = utcnow()
    device = known_device(verified.registration)
    if device is None:
        device = add_device(verified.registration, now)
    lock(device)
    receipts, replayed = [], 0
    for batch, message in verified.batches:
        # A batch stored before (online, or in another bundle) answers with its stored
        # receipt; its records are not new here, so they count as duplicates.
        again = db.session.get(SyncBatch, (device.id, batch["batch_id"])) is not None
        receipt = ingest_batch(device, batch, message, now)
        receipts.append(receipt)
        replayed += len(receipt["accepted"]) if again else 0
    for batch, _ in verified.batches:
        # In bundle order, so of two batches made the same millisecond the later one wins.
        record_heartbeat(device, batch["status"], batch["created"], now, live=False)
    _saw(device, min(verified.made_at, now))
    custody = SyncBundle(
        bundle_id=verified.bundle_id,
        device_id=verified.device_id,
        made_at=verified.made_at,
        received_at=received_at or now,
        imported_at=now,
        carried_by=carried_by,
        size=verified.size,
        batches=len(receipts),
        records=sum(len(b["records"]) for b, _ in verified.batches),
        accepted=sum(len(r["accepted"]) for r in receipts) - replayed,
        duplicate=sum(len(r["duplicate"]) for r in receipts) + replayed,
        rejected=sum(len(r["rejected"]) for r in receipts),
        receipts=receipts,
    )
    db.session.add(custody)
    db.session.commit()
    return answer(custody, name, already_imported=False)


def _saw(device: Device, moment: datetime) -> None:
    # A bundle is contact too, as of when the phone made it (never later than now).
    if device.last_seen_at is None or device.last_seen_at < moment:
        device.last_seen_at = moment


def answer(custody: SyncBundle, name: str | None, already_imported: bool) -> dict:
    """Return the upload answer for one imported file."""
    return BundleImported().dump(
        {
            "name": name,
            "bundle_id": custody.bundle_id,
            "device_id": custody.device_id,
            "made_at": iso(custody.made_at),
            "received_at": iso(custody.received_at),
            "imported_at": iso(custody.imported_at),
            "already_imported": already_imported,
            "batches": custody.batches,
            "records": custody.records,
            "accepted": custody.accepted,
            "duplicate": custody.duplicate,
            "rejected": custody.rejected,
            "receipts": custody.receipts,
        }
    )


def refusal(error: XuedianError, name: str | None) -> dict:
    """Return the upload answer for a file refused as a whole."""
    return {
        "name": name,
        "ok": False,
        "code": error.code,
        "message": error.message,
        "details": error.details,
    }
