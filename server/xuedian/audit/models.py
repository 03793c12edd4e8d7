"""Table owned by audit: one row per recorded action (sign-ins, account changes, device
revocations, instructions, pack publishes, exports). Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db


class AuditEvent(db.Model):
    """One action: who (``actor``), what (``action`` on ``target``), when, from where."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: The staff account that acted (None for the command line or an unknown name).
    actor_id: Mapped[int | None] = mapped_column(Integer)
    #: The account's username as it was, ``cli`` for the command line.
    actor: Mapped[str] = mapped_column(String(64))
    #: A stable action name such as ``sign-in`` or ``account-password`` (service.ACTIONS).
    action: Mapped[str] = mapped_column(String(40))
    #: What was acted on, as text: a username, a device id, ``pack v3``, an export name.
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict | None] = mapped_column(JSON)
    #: The client address of the request, ``cli`` for the command line.
    address: Mapped[str] = mapped_column(String(64))
    #: Path of the area the event concerns (``/1/4/``); empty for county-wide events.
    #: Administrators see the events under their own area (pages.py).
    area_path: Mapped[str] = mapped_column(String(255), index=True)
