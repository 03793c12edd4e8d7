"""Tables owned by push: the inbox messages the county sends to phones, and the Web Push
subscriptions phones register (one per device), and the queue of pushes waiting for the
scheduler's ``push-send`` job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class InboxMessage(db.Model):
    """A message to one device, or to every device when ``device_id`` is NULL.

    Append-only: the id only rises, so a phone's feed cursor can say "up to this one".
    """

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: ``{"zh-CN": ..., "en": ...}`` plain text, shown as text on the phone.
    title: Mapped[dict] = mapped_column(JSON)
    body: Mapped[dict] = mapped_column(JSON)
    device_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("device.id"), index=True)


class PushSubscription(db.Model):
    """A phone's Web Push subscription; a newer one from the same device replaces it.

    Removed when the push service answers 404 or 410 (the browser dropped it), when the
    device unsubscribes or is revoked, and by the ``push-cleanup`` job when stale.
    """

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("device.id"), unique=True)
    endpoint: Mapped[str] = mapped_column(Text)
    #: The subscriber's P-256 public key and auth secret, base64url as the browser gives them.
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Sends that failed in a row (network, timeout, 5xx); reset by a success.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PushDelivery(db.Model):
    """A push waiting to be sent by the ``push-send`` job: written by ``notify()`` beside the
    inbox message, deleted once tried (push is a nudge; the inbox has the message)."""

    __tablename__ = "push_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The subscription is looked up by device at send time (a newer one replaces it).
    device_id: Mapped[str] = mapped_column(String(36))
    message_id: Mapped[int | None] = mapped_column(Integer)
    #: The JSON the phone's service worker shows (sender.payload).
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
