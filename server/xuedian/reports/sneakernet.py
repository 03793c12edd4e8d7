"""Carried files (sneakernet): carry delay per volunteer and per village from the bundles'
chain of custody, and how far each pack release has spread across areas.

A bundle from a phone in scope may have been carried by someone the administrator does not
manage (a volunteer of another county's point); their name is never shown, only
:data:`OUTSIDE`, one row for all of them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from ..core.timeutil import day_span
from ..extensions import db
from ..org.models import Area, Staff
from ..org.scope import staff_in_scope
from ..packs.models import PackRelease
from ..sync.models import Device, SyncBundle
from .scope import Frame

#: The carrier key of staff outside the administrator's scope (no username is empty).
OUTSIDE = ""


def _hours(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0) / 3600


def carry(frame: Frame, points: dict) -> dict:
    """Median carry and import delays (hours) of bundles imported in the period, per
    volunteer and per village, slowest first."""
    start, end = day_span(frame.start, frame.end)
    b = SyncBundle
    rows = db.session.execute(
        select(
            b.made_at,
            b.received_at,
            b.imported_at,
            Device.learning_point_id,
            Staff.id,
            Staff.username,
        )
        .join(Device, Device.id == SyncBundle.device_id)
        .outerjoin(Staff, Staff.id == SyncBundle.carried_by)
        .where(
            SyncBundle.device_id.in_(frame.devices()),
            SyncBundle.imported_at >= start,
            SyncBundle.imported_at < end,
        )
    ).all()
    villages = {p.area_id for p in points.values()}
    names = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(villages)))}
    managed = set(db.session.scalars(staff_in_scope(frame.staff)))
    by_volunteer, by_village = defaultdict(list), defaultdict(list)
    for made, received, imported, point_id, staff_id, username in rows:
        delays = (_hours(received - made), _hours(imported - received))
        carrier = None if staff_id is None else username if staff_id in managed else OUTSIDE
        by_volunteer[carrier].append(delays)
        area = names.get(points[point_id].area_id) if point_id in points else None
        by_village[(area.name, area.name_en or area.name) if area else ("", "")].append(delays)

    def summary(items):
        return {
            "bundles": len(items),
            "carry": round(statistics.median(d[0] for d in items), 1),
            "import": round(statistics.median(d[1] for d in items), 1),
            "worst": round(max(d[0] + d[1] for d in items), 1),
        }

    def slowest_first(items):
        rows = [(k, summary(v)) for k, v in items.items()]
        return sorted(rows, key=lambda r: (-r[1]["carry"], _name(r[0])))

    return {"volunteers": slowest_first(by_volunteer), "villages": slowest_first(by_village)}


def _name(key) -> str:
    return str(key[0] if isinstance(key, tuple) else key or "")


def spread(groups: list, per_pack: int = 3) -> list[dict]:
    """Rows (pack, version) × groups (``figures.Group``): the share of reporting phones
    holding at least that version."""
    releases = db.session.execute(
        select(PackRelease.pack_id, PackRelease.version, PackRelease.title).order_by(
            PackRelease.pack_id, PackRelease.version.desc()
        )
    ).all()
    seen: dict[str, int] = defaultdict(int)
    out = []
    for pack_id, version, title in releases:
        seen[pack_id] += 1
        if seen[pack_id] > per_pack:
            continue
        cells = []
        for g in groups:
            reporting = [p for p in g.packs if p]
            holding = sum(1 for p in reporting if p.get(pack_id, 0) >= version)
            cells.append(round(100 * holding / len(reporting)) if reporting else None)
        out.append(
            {
                "pack": pack_id,
                "version": version,
                "title": (title or {}).get("zh-CN") or pack_id,
                "title_en": (title or {}).get("en") or pack_id,
                "cells": cells,
            }
        )
    return out
