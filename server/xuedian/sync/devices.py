"""Devices and their keys: registration with proof of possession, signed-envelope checks,
the heartbeat each batch carries, and revocation.

What a heartbeat or a registration says beyond the device's own state (its point, its
learners' profiles) is not kept here: ``heartbeat-received`` and ``enrolment-offered``
(core/hooks.py) hand it to org and learners.

A phone makes one Ed25519 key pair and is known by it: its id is the first 32 hex
characters of sha256(raw public key), so registering again (a county server restored from
backup, say) gives the same id. Every message it sends is an envelope
``{"signed": {..., "type", "device_id"}, "signature"}``; the key that checks it is looked up
by ``signed.device_id``, so a device can only ever speak for itself.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowError
from sqlalchemy import select

from ..core import hooks, ratelimit
from ..core.canonjson import canonical_bytes
from ..core.http import validation_error
from ..core.timeutil import iso, parse_iso, utcnow
from ..core.transaction import retry_once_on_conflict
from ..core.wirefields import DEVICE_ID
from ..errors import Unauthorized, ValidationFailed, XuedianError
from ..extensions import db
from ..keys.service import b64url_decode, ed25519_verify
from .models import Device
from .schemas import DeviceRegistration, SignedEnvelope


class DeviceUnknown(Unauthorized):
    code = "device-unknown"
    message = "This device is not registered with the county server."


class DeviceSignatureInvalid(Unauthorized):
    code = "device-signature-invalid"
    message = "The device signature does not match the signed content."


class DeviceRevoked(XuedianError):
    code = "device-revoked"
    status = 403
    message = "This device has been revoked by an administrator."


def device_id_for(public_key: bytes) -> str:
    """Return the device id of a raw 32-byte Ed25519 public key."""
    return hashlib.sha256(public_key).hexdigest()[:32]


def envelope_parts(envelope) -> tuple[dict, str]:
    """Return ``(signed, signature)`` of an envelope: the one place an envelope is parsed.

    Raises a validation error envelope.
    """
    if not isinstance(envelope, dict):
        raise ValidationFailed("The request body must be a signed envelope (a JSON object).")
    try:
        loaded = SignedEnvelope().load(envelope)
    except MarshmallowError as exc:
        raise validation_error(exc.normalized_messages()) from exc
    return loaded["signed"], loaded["signature"]


def verify_signed(signed: dict, signature: str, public_key: str, expected_type: str) -> bytes:
    """Check that ``public_key`` made ``signature`` over ``signed`` (an envelope's parsed
    parts, :func:`envelope_parts`) and that it is an ``expected_type``.

    Returns the canonical bytes of ``signed`` (the signed message, used as its hash).
    Raises :class:`DeviceSignatureInvalid`.
    """
    if signed.get("type") != expected_type:
        raise DeviceSignatureInvalid(f"Expected a signed {expected_type}.", type=signed.get("type"))
    try:
        message = canonical_bytes(signed)
        valid = ed25519_verify(public_key, b64url_decode(signature), message)
    except (TypeError, ValueError, RecursionError) as exc:
        raise DeviceSignatureInvalid() from exc
    if not valid:
        raise DeviceSignatureInvalid()
    return message


def read_registration(
    signed: dict, signature: str, schema: type[Schema] = DeviceRegistration
) -> tuple[dict, bytes]:
    """Return a ``device-registration``'s loaded ``signed`` and its signed bytes once it
    proves its key (the envelope's parsed parts, :func:`envelope_parts`).

    The registration must be signed by the key it registers, and name the id derived from
    it. Raises a validation error or :class:`DeviceSignatureInvalid`.
    """
    if signed.get("type") != "device-registration":
        raise DeviceSignatureInvalid("Expected a signed device-registration.")
    try:
        registration = schema().load(signed)
    except MarshmallowError as exc:
        raise validation_error(exc.normalized_messages()) from exc
    if device_id_for(b64url_decode(registration["public_key"])) != registration["device_id"]:
        raise DeviceSignatureInvalid("The device id is not derived from this public key.")
    message = verify_signed(signed, signature, registration["public_key"], "device-registration")
    return registration, message


def known_device(registration: dict) -> Device | None:
    """Return the stored device a proven registration names, None when it is new.

    Raises :class:`DeviceRevoked`, or :class:`DeviceSignatureInvalid` if the id is stored
    with another key.
    """
    device = db.session.get(Device, registration["device_id"])
    if device is None:
        return None
    if device.public_key != registration["public_key"]:
        raise DeviceSignatureInvalid("This device id is registered with another key.")
    if device.revoked_at is not None:
        raise DeviceRevoked()
    return device


def add_device(registration: dict, now: datetime) -> Device:
    """Add (not commit) a device for a proven registration and return it."""
    device = Device(
        id=registration["device_id"],
        public_key=registration["public_key"],
        app_version=registration["app_version"],
        created_at=now,
        max_contiguous_seq=0,
    )
    db.session.add(device)
    db.session.flush()
    return device


def register(registration: dict) -> tuple[Device, bool]:
    """Register the device of a proven registration (:func:`read_registration`); return it
    and whether it is new.

    Registering again is harmless: the device keeps its id, records and device_seq. A
    registration carrying a point's enrolment token places the phone there at once (org
    registers for ``enrolment-offered``).
    The same registration sent on several connections at once is answered alike: those
    that lost the race to insert the row find it and answer as its creation too.
    Raises :class:`DeviceSignatureInvalid` or :class:`DeviceRevoked`.
    """
    raced = []

    def work() -> tuple[Device, bool]:
        now = utcnow()
        device = known_device(registration)
        created = device is None or bool(raced)
        if device is None:
            raced.append(True)  # a second run means a twin committed the row first
            device = add_device(registration, now)
        elif registration["app_version"]:
            device.app_version = registration["app_version"]
        device.last_seen_at = now
        point, token = registration.get("point"), registration.get("enrolment")
        hooks.emit("enrolment-offered", device, point, token, now)
        db.session.commit()
        return device, created

    return retry_once_on_conflict(work)


def authenticate(signed: dict, signature: str, expected_type: str) -> tuple[Device, bytes]:
    """Return ``(device, signed bytes)`` for an envelope's parsed parts its device signed.

    Raises a validation error, :class:`DeviceUnknown`, :class:`DeviceSignatureInvalid` or
    :class:`DeviceRevoked`.
    """
    device_id = signed.get("device_id")
    if not isinstance(device_id, str) or not DEVICE_ID.match(device_id):
        raise ValidationFailed(fields={"signed": {"device_id": ["Not a device id."]}})
    device = db.session.get(Device, device_id)
    if device is None or device.public_key is None:
        raise DeviceUnknown(device_id=device_id)
    message = verify_signed(signed, signature, device.public_key, expected_type)
    if device.revoked_at is not None:
        raise DeviceRevoked(device_id=device_id)
    return device, message


def limit_address():
    """A cheap guard before any parsing of a device request (a blueprint's
    ``before_request``): requests per client address."""
    settings = current_app.config["XUEDIAN"]
    ratelimit.hit("sync-address", ratelimit.client_address(), settings.rate_limit_address)


def limit_device(device) -> None:
    """Signed requests per device, counted once its signature is known to be good."""
    ratelimit.hit("sync-device", device.id, current_app.config["XUEDIAN"].rate_limit_device)


def record_heartbeat(
    device: Device, status: dict, created: datetime, now: datetime, live: bool = True
) -> None:
    """Keep ``status`` as the device's heartbeat.

    A ``live`` one (an online batch) is the phone's state now and always wins. One out of a
    bundle wins only over an older one by the phone's clock (``created``), so a bundle that
    travelled for a week does not hide what the phone said online yesterday; comparing
    only bundles by that clock keeps a phone whose clock jumped back from going unheard.
    Neither side counts as newer than when it reached the server: a phone whose clock ran a
    year ahead would otherwise shut out every later bundle for that year.
    """
    # What a heartbeat carries as events (points' vouchers) counts however old it is.
    hooks.emit("heartbeat-carried", device, status, now)
    previous = (device.last_status or {}).get("created")
    if not live and previous:
        stored = parse_iso(previous)
        if device.last_status_at is not None:
            stored = min(stored, device.last_status_at)
        if stored > min(created, now):
            return
    device.last_status = {**status, "created": iso(created)}
    device.last_status_at = now
    if status.get("app_version"):
        device.app_version = status["app_version"]
    # Enrolment (org) and learners' profiles (learners) register for what else it says.
    hooks.emit("heartbeat-received", device, status, created, now, live)


def find_device(id_or_prefix: str) -> Device:
    """Return the device with this id, or the one whose id starts with it (8+ characters).

    Raises ``LookupError`` when none or several match.
    """
    device = db.session.get(Device, id_or_prefix)
    if device is not None:
        return device
    if len(id_or_prefix) >= 8:
        matches = db.session.scalars(
            select(Device).where(Device.id.startswith(id_or_prefix, autoescape=True)).limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
    raise LookupError(id_or_prefix)


def revoke(id_or_prefix: str) -> Device:
    """Revoke a device (once); its batches and bundles are refused from now on.

    Raises ``LookupError`` for an unknown or ambiguous id.
    """
    device = find_device(id_or_prefix)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        db.session.commit()
    return device


def all_devices() -> list[Device]:
    """Return every device, oldest first."""
    return list(db.session.scalars(select(Device).order_by(Device.created_at, Device.id)))
