"""Tables owned by learners: what a phone says about its local profiles.

A profile is pseudonymous: its id is the ``learner`` UUID in records. Names never leave the
phone; the optional age band and village arrive in the heartbeat and serve only aggregate
reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.dbtypes import UTCDateTime
from ..extensions import db

AGE_BANDS = ("under-30", "30-44", "45-59", "60-69", "70+")


class LearnerProfile(db.Model):
    __tablename__ = "learner_profile"

    learner: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The phone that last reported this profile (a family phone holds several).
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    village: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LearnerMove(db.Model):
    """A learner moved to another phone by their recovery code (credits/accounts.py).

    ``change_seq`` is the receiving device's change counter bumped for the move, so its
    changes feed sends the learner's whole progress once, though none of the learner's
    records came from it (learners/service.py ``changed_learners``).
    """

    __tablename__ = "learner_move"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(36), index=True)
    from_device: Mapped[str | None] = mapped_column(String(36))
    to_device: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    change_seq: Mapped[int] = mapped_column(Integer)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime)
