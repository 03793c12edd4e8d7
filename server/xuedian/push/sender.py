"""Sending Web Push messages (RFC 8030, aes128gcm payloads, VAPID) with pywebpush.

Every send has a timeout and a TTL; a push service that answers 404 or 410 has dropped the
subscription, so it is deleted. Any other failure (no network, a timeout, a 5xx, a push
service blocked on the way) is counted and the subscription kept: the message is in the
inbox anyway and reaches the phone at its next sync.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from ..core.timeutil import utcnow
from ..extensions import db
from . import vapid
from .models import PushSubscription

log = logging.getLogger("xuedian.push")

#: Push services accept about 4 KB; keep the encrypted payload well under it.
MAX_TEXT = 600


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


def _post(info: dict, data: str, signer: Vapid02, session: requests.Session) -> str:
    """Send one push; return "ok", "gone" (404/410) or the failure's reason."""
    settings = current_app.config["XUEDIAN"]
    try:
        webpush(
            info,
            data,
            vapid_private_key=signer,
            vapid_claims={"sub": settings.push_subject},
            timeout=settings.push_timeout,
            ttl=settings.push_ttl,
            headers={"Urgency": "normal"},
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        return "gone" if status in (404, 410) else f"http-{status}"
    except (requests.RequestException, ValueError, TypeError) as exc:
        return type(exc).__name__
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
    app = current_app._get_current_object()
    jobs = [
        ({"endpoint": s.endpoint, "keys": {"p256dh": s.p256dh, "auth": s.auth}}, data)
        for s, data in pushes
    ]

    def post(job: tuple[dict, str]) -> str:
        with app.app_context(), requests.Session() as session:
            return _post(job[0], job[1], signer, session)

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
