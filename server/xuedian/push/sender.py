"""Sending Web Push messages (RFC 8030, aes128gcm payloads, VAPID) with pywebpush, from the
queue of :class:`~.models.PushDelivery` rows, by the scheduler's ``push-send`` job only.

Every push is checked again against the allow-list and the public-address rule, posted
through :func:`transport.guarded_session` (no redirect, no proxy, the connected address
checked) and abandoned at its one deadline (``push_timeout``); it carries a TTL. A push
service that answers 404 or 410 has dropped the subscription, so it is deleted. Any other
failure (no network, the deadline, a 5xx, a refused endpoint) is counted and the
subscription kept: the message is in the inbox anyway and reaches the phone at its next sync.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests
from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select

from ..core.timeutil import utcnow
from ..extensions import db
from . import vapid
from .endpoints import PushEndpointRefused, check_endpoint
from .endpoints import trusted_literals as _trusted
from .models import PushDelivery, PushSubscription
from .transport import Deadline, guarded_session

log = logging.getLogger("xuedian.push")

#: Push services accept about 4 KB; keep the encrypted payload well under it.
MAX_TEXT = 600
#: Deliveries taken from the queue at a time.
BATCH = 200


@dataclass
class PushOutcome:
    sent: int = 0
    removed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"sent": self.sent, "removed": self.removed, "failed": self.failed}


def _signer() -> Vapid02:
    key = vapid.ensure(Path(current_app.instance_path))
    return Vapid02(private_key=key)


def payload(message_id: int | None, title: dict, body: dict, url: str = "/") -> str:
    """The JSON a phone's service worker shows; long text is cut (the inbox has it all)."""

    def cut(text: dict) -> dict:
        return {k: (v if len(v) <= MAX_TEXT else v[: MAX_TEXT - 1] + "…") for k, v in text.items()}

    data = {"id": message_id, "title": cut(title), "body": cut(body), "url": url}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _post(info: dict, data: str, signer: Vapid02, settings) -> str:
    """Send one push; return "ok", "gone" (404/410) or the failure's reason."""
    try:
        check_endpoint(info["endpoint"], settings)
    except PushEndpointRefused as exc:
        return f"endpoint-refused-{exc.details.get('reason')}"
    with Deadline(settings.push_timeout, _trusted(settings.push_hosts)) as deadline:
        try:
            with guarded_session(deadline) as session:
                webpush(
                    info,
                    data,
                    vapid_private_key=signer,
                    vapid_claims={"sub": settings.push_subject},
                    timeout=deadline.remaining(),
                    ttl=settings.push_ttl,
                    headers={"Urgency": "normal"},
                    requests_session=session,
                )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            return "gone" if status in (404, 410) else f"http-{status}"
        except requests.TooManyRedirects:
            return "redirect-refused"
        except (requests.RequestException, ValueError, TypeError, OSError) as exc:
            return "deadline" if deadline.expired else type(exc).__name__
    return "ok"


def send_to(pushes: list[tuple[PushSubscription, str]]) -> PushOutcome:
    """Push each ``(subscription, data)``, a few at a time; delete the ones gone (404/410).

    The network calls run in threads; the rows are updated here, then committed.
    """
    settings = current_app.config["XUEDIAN"]
    outcome = PushOutcome()
    if not pushes:
        return outcome
    signer = _signer()
    jobs = [
        ({"endpoint": s.endpoint, "keys": {"p256dh": s.p256dh, "auth": s.auth}}, data)
        for s, data in pushes
    ]

    def post(job: tuple[dict, str]) -> str:
        return _post(job[0], job[1], signer, settings)

    workers = max(1, min(settings.push_concurrency, len(jobs)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(post, jobs))
    now = utcnow()
    for (sub, _data), result in zip(pushes, results, strict=True):
        if result == "ok":
            sub.last_success_at, sub.failures = now, 0
            outcome.sent += 1
        elif result == "gone":
            db.session.delete(sub)
            outcome.removed += 1
        else:
            _failed(sub, outcome, result)
    db.session.commit()
    return outcome


def _failed(sub: PushSubscription, outcome: PushOutcome, reason: str) -> None:
    sub.failures = (sub.failures or 0) + 1
    sub.last_failure_at = utcnow()
    outcome.failed += 1
    outcome.errors.append(reason)
    log.info("push to device %s failed: %s", sub.device_id, reason)


def deliver_queued() -> dict:
    """Send every queued push (the ``push-send`` job), a batch at a time; each delivery is
    tried once and removed. Ones older than ``push_ttl`` are dropped unsent, as a push
    service would. Returns ``{sent, removed, failed, expired}``; commits."""
    settings = current_app.config["XUEDIAN"]
    total = {"sent": 0, "removed": 0, "failed": 0, "expired": 0}
    cutoff = utcnow() - timedelta(seconds=settings.push_ttl)
    total["expired"] = db.session.execute(
        delete(PushDelivery).where(PushDelivery.created_at < cutoff)
    ).rowcount
    db.session.commit()
    while True:
        batch = list(
            db.session.scalars(select(PushDelivery).order_by(PushDelivery.id).limit(BATCH))
        )
        if not batch:
            return total
        devices = {d.device_id for d in batch}
        subs = {
            s.device_id: s
            for s in db.session.scalars(
                select(PushSubscription).where(PushSubscription.device_id.in_(devices))
            )
        }
        pushes, seen = [], set()
        for delivery in batch:
            sub = subs.get(delivery.device_id)
            # One push per phone per batch: a phone with several waiting needs one nudge.
            if sub is not None and sub.id not in seen:
                seen.add(sub.id)
                pushes.append((sub, delivery.data))
        db.session.execute(delete(PushDelivery).where(PushDelivery.id.in_([d.id for d in batch])))
        db.session.commit()
        if settings.push_enabled:
            for key, value in send_to(pushes).summary().items():
                total[key] += value
