"""Phones' Web Push subscriptions: stored per device from a device-signed envelope
(push/schemas.py ``Subscribe`` and ``Unsubscribe``, read by sync/signed.py). Only endpoints
that pass :func:`endpoints.check_endpoint` are kept: https, a push service on
``push_hosts``, public addresses; so a phone cannot point the county at its own network.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from ..core.timeutil import utcnow
from ..extensions import db
from ..sync.models import Device
from .endpoints import check_endpoint
from .models import PushSubscription


def subscribe(device: Device, info: dict) -> PushSubscription:
    """Store (commit) the device's subscription ``info`` (a loaded ``SubscriptionInfo``),
    replacing an earlier one. Raises ``push-endpoint-refused`` for an endpoint not allowed."""
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


def unsubscribe(device: Device, endpoint: str | None) -> bool:
    """Remove the device's subscription (only ``endpoint``'s, if one is named)."""
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
