"""Learners' profiles (age band, village) as their phone's heartbeat last stated them."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from .models import LearnerProfile


def upsert_profiles(device, status: dict, created: datetime, now: datetime, live: bool) -> None:
    """Apply a heartbeat's profiles (registered for sync's ``heartbeat-received``).

    Profiles are upserted, so the newest heartbeat's age band and village win. Only the
    phone that first sent a profile (``device``, a sync Device) speaks for it.
    """
    for profile in status.get("profiles") or ():
        row = db.session.get(LearnerProfile, profile["learner"])
        if row is None:
            row = LearnerProfile(learner=profile["learner"], device_id=device.id)
            db.session.add(row)
        elif row.device_id != device.id:
            continue  # another phone's profile: only its own phone speaks for it
        row.age_band = profile.get("age_band")
        row.village = profile.get("village")
        row.updated_at = now
