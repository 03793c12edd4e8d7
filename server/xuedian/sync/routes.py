"""HTTP endpoints of the sync protocol: device registration and batch upload."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, request

from ..core.http import load, parse_json, raw_body
from .schemas import DeviceCredentials, DeviceRegistration, SyncBatch, SyncReceipt
from .service import authenticate, ingest, register_device

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


@bp.post("/devices")
def post_device():
    data = load(DeviceRegistration(), parse_json(raw_body() or b"{}"))
    device, token = register_device(data["app_version"])
    return DeviceCredentials().dump({"device_id": device.id, "token": token}), 201


@bp.post("/sync/batches")
def post_batch():
    device = authenticate(request.headers.get("Authorization"))
    value = parse_json(raw_body())
    batch = load(SyncBatch(), value)
    # Hash the parsed form so a retry that re-serialises the same batch still matches.
    body_hash = hashlib.sha256(
        json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    receipt = ingest(device, batch, body_hash)
    return SyncReceipt().dump(receipt)
