"""The inbox: messages the county sends to one phone or to all, delivered by the changes feed.

A message is never edited or withdrawn once sent (a phone may already show it); its id only
rises, so a feed cursor remembers the last one a phone has.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from ..core.timeutil import iso, utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..sync.models import Device
from .models import InboxMessage

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
