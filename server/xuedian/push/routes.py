"""HTTP endpoints of Web Push: the VAPID public key and device-signed subscriptions."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app

from ..sync.devices import limit_address
from ..sync.signed import Signed, device_signed
from . import vapid
from .schemas import Subscribe, Unsubscribe
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
@device_signed("push-subscription", Subscribe)
def post_subscription(signed: Signed):
    subscribe(signed.device, signed.message["subscription"])
    return {"ok": True, "subscribed": True}, 201


@bp.delete("/subscriptions")
@device_signed("push-subscription", Unsubscribe)
def delete_subscription(signed: Signed):
    return {"ok": True, "removed": unsubscribe(signed.device, signed.message["endpoint"])}
