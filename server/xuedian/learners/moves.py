"""Moving a learner to another phone (a learning account's recovery code, docs/credits.md).

Owns ``learner_move``. The learner's records stay where they are; what moves is who
speaks for the learner: sync's ``learner_owner`` (records from the old phone are then
quarantined as ``learner-not-yours``, and its feed no longer names the learner) and the
profile's phone. The new phone's change counter is bumped under its row lock, as ingest
does, so its next changes feed sends the learner's whole progress and credits.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from ..sync.models import Device, LearnerOwner
from .models import LearnerMove, LearnerProfile


def owner_of(learner: str) -> str | None:
    """Return the id of the device that speaks for ``learner`` (None: no record yet)."""
    row = db.session.get(LearnerOwner, learner)
    return row.device_id if row is not None else None


def claim(learner: str, device_id: str) -> bool:
    """Make ``device_id`` the owner of a learner nobody owns yet (flushed); return whether
    ``device_id`` owns the learner now."""
    owner = owner_of(learner)
    if owner is None:
        db.session.add(LearnerOwner(learner=learner, device_id=device_id, since=utcnow()))
        db.session.flush()
        return True
    return owner == device_id


def move_learner(learner: str, device_id: str) -> LearnerMove | None:
    """Make ``device_id`` speak for ``learner`` (flushed; the caller commits). Return the
    move, or None when the device already owned the learner."""
    device = db.session.scalar(select(Device).where(Device.id == device_id).with_for_update())
    now = utcnow()
    owner = db.session.get(LearnerOwner, learner)
    if owner is not None and owner.device_id == device_id:
        return None
    before = owner.device_id if owner is not None else None
    if owner is None:
        db.session.add(LearnerOwner(learner=learner, device_id=device_id, since=now))
    else:
        owner.device_id, owner.since = device_id, now
    profile = db.session.get(LearnerProfile, learner)
    if profile is not None:
        profile.device_id, profile.updated_at = device_id, now
    device.change_seq = (device.change_seq or 0) + 1
    move = LearnerMove(
        learner=learner,
        from_device=before,
        to_device=device_id,
        change_seq=device.change_seq,
        moved_at=now,
    )
    db.session.add(move)
    db.session.flush()
    return move
