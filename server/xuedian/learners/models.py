"""Tables owned by learners: what a phone says about its local profiles.

A profile is pseudonymous: its id is the ``learner`` UUID in records. Names never leave the
phone; the optional age band and village arrive in the heartbeat and serve only aggregate
reports.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
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
