"""Table owned by instructions: one row per instruction per phone."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

KINDS = ("resync", "update-pack")


class Instruction(db.Model):
    """An instruction to one device. One sent to a learning point is stored once per phone
    enrolled there (``point_id`` remembers the point), so each phone's delivery is its own.

    It rides in every changes answer after the phone's cursor until the phone comes back
    with a cursor past it: then ``delivered_at`` is set and it is never sent again.
    """

    __tablename__ = "instruction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("device.id"), index=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("learning_point.id"), index=True)
    #: resync | update-pack
    kind: Mapped[str] = mapped_column(String(16))
    #: update-pack: the pack, the version wanted (None: the newest) and the date to have it by.
    pack: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int | None] = mapped_column(Integer)
    by_date: Mapped[date | None] = mapped_column(Date)
    #: The staff member who sent it; None from the command line.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
