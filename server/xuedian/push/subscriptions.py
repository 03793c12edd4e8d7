"""Phones' Web Push subscriptions: stored per device from a device-signed envelope.

``signed`` of a ``push-subscription`` envelope is ``{type, device_id, created, subscription:
{endpoint, keys: {p256dh, auth}}}`` to subscribe, or ``{type, device_id, created, endpoint}``
to unsubscribe. Only endpoints that pass :func:`endpoints.check_endpoint` are kept: https, a
push service on ``push_hosts``, public addresses; so a phone cannot point the county at its
own network.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from marshmallow import Schema, fields, validate
from sqlalchemy import delete, or_, select

from ..core.http import load
from ..core.timeutil import utcnow
from ..core.wirefields import Text, Timestamp
from ..extensions import db
from ..sync.models import Device
from ..sync.schemas import _Strict, device_id_field
from .endpoints import check_endpoint
from .models import PushSubscription

_B64URL = validate.Regexp(r"^[A-Za-z0-9_-]+=*\Z", error="Not base64url.")


class SubscriptionKeys(Schema):
    p256dh = Text(120, 80, required=True, validate=_B64URL)
    auth = Text(40, 16, required=True, validate=_B64URL)


class SubscriptionInfo(Schema):
    """The browser's ``PushSubscription.toJSON()`` (expirationTime and the like ignored)."""

    class Meta:
        unknown = "exclude"

    endpoint = Text(2000, 8, required=True)
    keys = fields.Nested(SubscriptionKeys, required=True)


class Subscribe(_Strict):
    type = Text(40, required=True, validate=validate.Equal("push-subscription"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    subscription = fields.Nested(SubscriptionInfo, required=True)


class Unsubscribe(_Strict):
    type = Text(40, required=True, validate=validate.Equal("push-subscription"))
    device_id = device_id_field()
    created = Timestamp(required=True)
    endpoint = Text(2000, load_default=None)


def subscribe(device: Device, signed: dict) -> PushSubscription:
    """Store (commit) the device's subscription, replacing an earlier one."""
    info = load(Subscribe(), signed)["subscription"]
    check_endpoint(info["endpoint"], current_app.config["XUEDIAN"])
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.device_id == device.id))
    if sub is None:
        sub = PushSubscription(device_id=device.id)
        db.session.add(sub)
    sub.endpoint = info["endpoint"]
    sub.p256dh = info["keys"]["p256dh"]
    sub.auth = info["keys"]["auth"]
    sub.created_at = utcnow()
    sub.failures = 0
    sub.last_failure_at = None
    db.session.commit()
    return sub


def unsubscribe(device: Device, signed: dict) -> bool:
    """Remove the device's subscription (only the named endpoint's, if one is named)."""
    endpoint = load(Unsubscribe(), signed)["endpoint"]
    query = delete(PushSubscription).where(PushSubscription.device_id == device.id)
    if endpoint:
        query = query.where(PushSubscription.endpoint == endpoint)
    removed = db.session.execute(query).rowcount
    db.session.commit()
    return bool(removed)


def cleanup(stale_days: int) -> dict:
    """Remove subscriptions of revoked devices and ones that have failed every send for
    ``stale_days`` (no success since, and refreshed by the phone no later). Commits."""
    cutoff = utcnow() - timedelta(days=stale_days)
    revoked = select(Device.id).where(Device.revoked_at.is_not(None))
    gone_revoked = db.session.execute(
        delete(PushSubscription).where(PushSubscription.device_id.in_(revoked))
    ).rowcount
    gone_stale = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.failures > 0,
            PushSubscription.created_at < cutoff,
            or_(
                PushSubscription.last_success_at.is_(None),
                PushSubscription.last_success_at < cutoff,
            ),
        )
    ).rowcount
    db.session.commit()
    kept = db.session.scalar(select(db.func.count()).select_from(PushSubscription))
    return {"removed_revoked": gone_revoked, "removed_stale": gone_stale, "kept": kept}
