"""The ``.xdsync`` file format on its own, without the database: decoding a bundle under the
gzip-bomb cap and checking its shape.

The county's import (``bundles.py``) and a village relay's upload page both read files
through here, so a relay refuses exactly the malformed files the county would, without
loading the county's tables (a Raspberry Pi has little memory to spare).
"""

from __future__ import annotations

import hashlib
import json

from marshmallow import ValidationError as MarshmallowError

from ..core.http import BadGzip, gunzip_capped
from ..errors import BadRequest, BodyTooLarge, XuedianError
from .schemas import DeviceRegistration
from .schemas import SyncBundle as SyncBundleSchema


class BundleInvalid(BadRequest):
    code = "bundle-invalid"
    message = "The file is not a readable sync bundle."


class BundleTooLarge(XuedianError):
    code = "bundle-too-large"
    status = 413
    message = "The sync bundle is larger than the server accepts."


def content_id(device_id: str, batch_hashes: list[str]) -> str:
    """Return a bundle's identity: sha256 of its device and its signed batches' hashes, in
    order. The same batches re-gzipped, re-serialised or with bytes appended are the same
    bundle; the file's own bytes do not name it."""
    text = "\n".join(["xdsync", device_id, *batch_hashes])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def decode(data: bytes, max_decoded: int):
    """Return the JSON value inside gzip ``data``, decoding at most ``max_decoded`` bytes.

    Raises :class:`BundleInvalid` (not gzip, not UTF-8 JSON) or :class:`BundleTooLarge`.
    """
    try:
        text = gunzip_capped(data, max_decoded)
    except BadGzip as exc:
        raise BundleInvalid("The file is not gzip; is it a .xdsync bundle?") from exc
    except BodyTooLarge as exc:
        raise BundleTooLarge(
            "The bundle expands beyond the accepted size.", limit=max_decoded
        ) from exc
    try:
        return json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleInvalid("The bundle does not hold valid JSON.") from exc


def check_shape(data: bytes, max_decoded: int) -> dict:
    """Return ``{"device_id", "created", "bundle"}`` of a well-formed bundle file.

    Checks the gzip, the JSON, the ``xdsync`` schema and that the registration names the
    bundle's device; :func:`check_signed` checks the signatures too. Raises
    :class:`BundleInvalid` or :class:`BundleTooLarge`.
    """
    value = decode(data, max_decoded)
    if not isinstance(value, dict):
        raise BundleInvalid("The bundle must be a JSON object.")
    try:
        bundle = SyncBundleSchema().load(value)
        registration = DeviceRegistration().load(bundle["registration"]["signed"])
    except MarshmallowError as exc:
        raise BundleInvalid(fields=exc.normalized_messages()) from exc
    if registration["device_id"] != bundle["device_id"]:
        raise BundleInvalid("The bundle names another device than its registration.")
    return {"device_id": bundle["device_id"], "created": bundle["created"], "bundle": bundle}


def check_signed(data: bytes, max_decoded: int) -> dict:
    """Return ``{"device_id", "created", "content_id"}`` of a well-formed bundle file whose
    registration proves its key and whose every batch that key signed.

    What a kiosk checks at upload: it needs no county key, since a bundle carries its own
    registration. Raises :class:`BundleInvalid`, :class:`BundleTooLarge` or
    ``device-signature-invalid``.
    """
    from .devices import DeviceSignatureInvalid, read_registration, verify_signed

    shape = check_shape(data, max_decoded)
    bundle = shape.pop("bundle")
    try:
        registration, _ = read_registration(**bundle["registration"])
    except DeviceSignatureInvalid:
        raise
    except XuedianError as exc:
        raise BundleInvalid("The bundle's registration is not valid.") from exc
    hashes, key = [], registration["public_key"]
    for index, envelope in enumerate(bundle["batches"]):
        try:
            message = verify_signed(**envelope, public_key=key, expected_type="sync-batch")
        except DeviceSignatureInvalid as exc:
            raise DeviceSignatureInvalid(exc.message, batch=index) from exc
        if envelope["signed"].get("device_id") != shape["device_id"]:
            raise DeviceSignatureInvalid("A batch names another device.", batch=index)
        hashes.append(hashlib.sha256(message).hexdigest())
    return {**shape, "content_id": content_id(shape["device_id"], hashes)}
