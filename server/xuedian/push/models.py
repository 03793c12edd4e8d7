"""Tables owned by push: the inbox messages the county sends to phones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
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
