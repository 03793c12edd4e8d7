"""The inbox and notifications: messages the county sends to one phone or to all.

Every notification goes through :func:`notify`, which first writes the message to the inbox
(delivered by the changes feed at the phone's next sync) and then tries Web Push. Push is
only a nudge: a phone that cannot reach its push service (most of mainland China cannot
reach Google's) still gets every message by sync.

A message is never edited or withdrawn once sent (a phone may already show it); its id only
rises, so a feed cursor remembers the last one a phone has.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import or_, select

from ..core.timeutil import iso, utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..sync.models import Device
from .models import InboxMessage, PushSubscription

log = logging.getLogger("xuedian.push")

#: Longest title and body, in characters, per language.
MAX_TITLE = 200
MAX_BODY = 4000


def _text(name: str, value: dict, limit: int) -> dict:
    for lang in ("zh-CN", "en"):
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise ValidationFailed(fields={name: {lang: ["Missing."]}})
        if len(text) > limit:
            raise ValidationFailed(fields={name: {lang: [f"Longer than {limit} characters."]}})
    return {"zh-CN": value["zh-CN"].strip(), "en": value["en"].strip()}


def send(title: dict, body: dict, device: Device | None = None) -> InboxMessage:
    """Store (and commit) a message to ``device``, or to every device when None.

    ``title`` and ``body`` are ``{"zh-CN": ..., "en": ...}`` plain text. Raises
    ``validation-failed`` when a language is missing or too long.
    """
    message = InboxMessage(
        created_at=utcnow(),
        title=_text("title", title, MAX_TITLE),
        body=_text("body", body, MAX_BODY),
        device_id=device.id if device is not None else None,
    )
    db.session.add(message)
    db.session.commit()
    return message


def notify(
    title: dict, body: dict, devices: list[Device] | None = None, url: str = "/#/inbox"
) -> tuple[list[InboxMessage], dict]:
    """Write the message to the inbox (one to every device when ``devices`` is None, else
    one per device), commit, then push it to the subscribed phones among them.

    Returns the messages and the push summary ``{sent, removed, failed}``. A push failure
    never raises: the inbox already has the message. Raises ``validation-failed`` for text
    missing a language or too long (then nothing is stored).
    """
    from .sender import payload, send_to

    if devices is None:
        messages = [send(title, body)]
        subs_query = (
            select(PushSubscription)
            .join(Device, Device.id == PushSubscription.device_id)
            .where(Device.revoked_at.is_(None))
        )
    else:
        _text("title", title, MAX_TITLE), _text("body", body, MAX_BODY)  # all or nothing
        messages = [send(title, body, device) for device in devices]
        ids = [d.id for d in devices]
        subs_query = select(PushSubscription).where(PushSubscription.device_id.in_(ids))
    summary = {"sent": 0, "removed": 0, "failed": 0}
    if not messages or not current_app.config["XUEDIAN"].push_enabled:
        return messages, summary
    try:
        by_device = {m.device_id: m.id for m in messages}
        first = messages[0]
        pushes = []
        for sub in db.session.scalars(subs_query.order_by(PushSubscription.id)):
            message_id = by_device.get(sub.device_id, by_device.get(None))
            pushes.append((sub, payload(message_id, first.title, first.body, url)))
        summary = send_to(pushes).summary()
    except Exception:  # noqa: BLE001 - the inbox has the message; push is only a nudge
        db.session.rollback()
        log.exception("push after inbox message %s failed", messages[0].id)
        summary["failed"] = -1
    return messages, summary


def messages_for(device_id: str, after: int, limit: int) -> list[InboxMessage]:
    """Return up to ``limit`` messages for this device or all, with id above ``after``."""
    return list(
        db.session.scalars(
            select(InboxMessage)
            .where(
                InboxMessage.id > after,
                or_(InboxMessage.device_id.is_(None), InboxMessage.device_id == device_id),
            )
            .order_by(InboxMessage.id)
            .limit(limit)
        )
    )


def all_messages() -> list[InboxMessage]:
    """Return every message, oldest first."""
    return list(db.session.scalars(select(InboxMessage).order_by(InboxMessage.id)))


def wire(message: InboxMessage) -> dict:
    """Return a message as the feed answer's ``messages`` item."""
    return {
        "id": message.id,
        "created": iso(message.created_at),
        "title": message.title,
        "body": message.body,
    }
