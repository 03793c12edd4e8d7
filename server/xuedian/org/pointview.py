"""What a learning point's page shows: its phones, learner counts by age band, last sync,
backlog, quarantined records, and the pack versions on phones against the latest.

Only aggregates of learners (never a name: names do not leave the phone). Callers check
the point is in the staff member's scope first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..learners.models import AGE_BANDS, LearnerProfile
from ..packs.models import PackRelease
from ..packs.service import current_releases
from ..sync.models import Device, QuarantinedRecord
from .models import Area, LearningPoint


@dataclass
class DeviceRow:
    id: str
    last_sync: datetime | None
    backlog: int | None
    quarantined: int
    reported: bool
    #: pack id -> (held version or None, latest version)
    packs: dict[str, tuple[int | None, int]] = field(default_factory=dict)

    @property
    def short(self) -> str:
        return self.id[:8]


@dataclass
class PackRow:
    release: PackRelease
    latest: int = 0
    stale: int = 0
    missing: int = 0
    unknown: int = 0


@dataclass
class PointView:
    point: LearningPoint
    village: Area | None
    devices: list[DeviceRow]
    profiles: int
    age_bands: list[tuple[str, int]]
    packs: list[PackRow]

    @property
    def last_sync(self) -> datetime | None:
        times = [d.last_sync for d in self.devices if d.last_sync]
        return max(times) if times else None

    @property
    def backlog(self) -> int | None:
        known = [d.backlog for d in self.devices if d.backlog is not None]
        return sum(known) if known else None

    @property
    def quarantined(self) -> int:
        return sum(d.quarantined for d in self.devices)


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def point_view(point: LearningPoint) -> PointView:
    """Gather the page of one learning point in four queries."""
    devices = list(
        db.session.scalars(
            select(Device)
            .where(Device.learning_point_id == point.id, Device.revoked_at.is_(None))
            .order_by(Device.last_seen_at.desc().nulls_last(), Device.id)
        )
    )
    ids = [d.id for d in devices]
    quarantined: dict[str, int] = {}
    bands: Counter[str] = Counter()
    if ids:
        quarantined = {
            device_id: count
            for device_id, count in db.session.execute(
                select(QuarantinedRecord.device_id, func.count())
                .where(QuarantinedRecord.device_id.in_(ids))
                .group_by(QuarantinedRecord.device_id)
            )
        }
        for band, count in db.session.execute(
            select(LearnerProfile.age_band, func.count())
            .where(LearnerProfile.device_id.in_(ids))
            .group_by(LearnerProfile.age_band)
        ):
            bands[band if band in AGE_BANDS else "unknown"] += count
    releases = current_releases()
    packs = {r.pack_id: PackRow(r) for r in releases}
    rows = []
    for device in devices:
        status = device.last_status if isinstance(device.last_status, dict) else None
        held = status.get("packs") if status else None
        row = DeviceRow(
            id=device.id,
            last_sync=device.last_seen_at,
            backlog=_int(status.get("unsent")) if status else None,
            quarantined=quarantined.get(device.id, 0),
            reported=status is not None,
        )
        for pack_id, pack in packs.items():
            version = _int(held.get(pack_id)) if isinstance(held, dict) else None
            row.packs[pack_id] = (version, pack.release.version)
            if not isinstance(held, dict):
                pack.unknown += 1
            elif version is None:
                pack.missing += 1
            elif version >= pack.release.version:
                pack.latest += 1
            else:
                pack.stale += 1
        rows.append(row)
    profiles = sum(bands.values())
    return PointView(
        point=point,
        village=db.session.get(Area, point.area_id),
        devices=rows,
        profiles=profiles,
        age_bands=[(band, bands.get(band, 0)) for band in (*AGE_BANDS, "unknown")],
        packs=list(packs.values()),
    )


def point_summaries(point_ids) -> list[tuple[LearningPoint, Area, int, datetime | None]]:
    """Each point of ``point_ids`` (a SELECT of ids) with its village, phones, last sync."""
    counts = (
        select(
            Device.learning_point_id.label("pid"),
            func.count(Device.id).label("n"),
            func.max(Device.last_seen_at).label("last"),
        )
        .where(Device.revoked_at.is_(None), Device.learning_point_id.in_(point_ids))
        .group_by(Device.learning_point_id)
        .subquery()
    )
    query = (
        select(LearningPoint, Area, counts.c.n, counts.c.last)
        .join(Area, LearningPoint.area_id == Area.id)
        .outerjoin(counts, counts.c.pid == LearningPoint.id)
        .where(LearningPoint.id.in_(point_ids))
        .order_by(Area.path, LearningPoint.code)
    )
    return [(p, a, n or 0, last) for p, a, n, last in db.session.execute(query)]
