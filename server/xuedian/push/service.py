"""The inbox and notifications: messages the county sends to one phone or to all.

Every notification goes through :func:`notify`, which writes the message to the inbox
(delivered by the changes feed at the phone's next sync) and queues a Web Push for the
scheduler's ``push-send`` job. Push is only a nudge: a phone that cannot reach its push
service (most of mainland China cannot reach Google's) still gets every message by sync.

A message is never edited or withdrawn once sent (a phone may already show it); its id only
rises, so a feed cursor remembers the last one a phone has.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select

from ..core.hooks import FeedSection
from ..core.timeutil import iso, utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..sync.models import Device
from .models import InboxMessage, PushDelivery, PushSubscription

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
    one per device) and queue a push to each subscribed phone among them, then commit.

    The pushes are sent by the scheduler's ``push-send`` job, never here: a slow push
    service cannot hold a staff page or a command. Returns the messages and
    ``{"queued": n}``. Raises ``validation-failed`` for text missing a language or too long
    (then nothing is stored).
    """
    from .sender import payload

    if devices is None:
        messages = [send(title, body)]
        subs_query = (
            select(PushSubscription.device_id)
            .join(Device, Device.id == PushSubscription.device_id)
            .where(Device.revoked_at.is_(None))
        )
    else:
        _text("title", title, MAX_TITLE), _text("body", body, MAX_BODY)  # all or nothing
        messages = [send(title, body, device) for device in devices]
        ids = [d.id for d in devices]
        subs_query = select(PushSubscription.device_id).where(PushSubscription.device_id.in_(ids))
    if not messages or not current_app.config["XUEDIAN"].push_enabled:
        return messages, {"queued": 0}
    by_device = {m.device_id: m.id for m in messages}
    first, now = messages[0], utcnow()
    queued = 0
    for device_id in db.session.scalars(subs_query.order_by(PushSubscription.id)):
        message_id = by_device.get(device_id, by_device.get(None))
        data = payload(message_id, first.title, first.body, url)
        db.session.add(
            PushDelivery(device_id=device_id, message_id=message_id, data=data, created_at=now)
        )
        queued += 1
    db.session.commit()
    return messages, {"queued": queued}


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


#: Most inbox messages one feed page carries.
PAGE_MESSAGES = 50


def feed_section(device, cursor, nxt, page_rows: int) -> FeedSection:
    """The inbox section of the changes feed: messages after the cursor's ``m``."""
    messages = messages_for(device.id, cursor.m, PAGE_MESSAGES + 1)
    more = len(messages) > PAGE_MESSAGES
    messages = messages[:PAGE_MESSAGES]
    if messages:
        nxt.m = messages[-1].id
    return FeedSection({"messages": [wire(m) for m in messages]}, more=more)
