"""HTTP endpoints of Web Push: the VAPID public key and device-signed subscriptions."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app

from ..core.http import parse_json, raw_body
from ..sync.devices import authenticate, limit_address, limit_device
from . import vapid
from .subscriptions import subscribe, unsubscribe

bp = Blueprint("push", __name__, url_prefix="/api/v1/push")
bp.before_request(limit_address)


@bp.get("/vapid-public-key")
def vapid_public_key():
    key = vapid.ensure(Path(current_app.instance_path))
    response = current_app.json.response({"ok": True, "public_key": vapid.public_key_b64(key)})
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.post("/subscriptions")
def post_subscription():
    device, signed, _ = authenticate(parse_json(raw_body()), "push-subscription")
    limit_device(device)
    subscribe(device, signed)
    return {"ok": True, "subscribed": True}, 201


@bp.delete("/subscriptions")
def delete_subscription():
    device, signed, _ = authenticate(parse_json(raw_body()), "push-subscription")
    limit_device(device)
    return {"ok": True, "removed": unsubscribe(device, signed)}
