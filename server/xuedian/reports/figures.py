"""The dashboard's figures for one :class:`~.scope.Frame`, as plain rows.

Rows are grouped one level below the frame's area (county → townships → villages →
points; a point → its devices). A frame that holds unenrolled phones ends with one more
row, kind ``unenrolled``, for the phones enrolled at no point. ``None`` means unknown
(nothing ever reported), which the pages and exports show apart from zero.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from ..core.words import WORDS as TEXT
from ..extensions import db
from ..learners.models import AGE_BANDS, LearnerProfile
from ..org.models import Area, LearningPoint
from ..packs.service import current_releases
from ..points.figures import figures as points_figures
from ..sync.models import Device, QuarantinedRecord, RecordConflict
from .credits import credit_figures
from .learners import learner_rows
from .models import ActivityDaily, CourseLearner, TopicDaily
from .scope import Frame
from .sneakernet import carry, spread
from .trend import weekly

SILENT = (7, 14, 30)
FRESH = (3, 7, 30, 60)


@dataclass
class Group:
    kind: str  # "area", "point", "device" or "unenrolled"
    id: int | str
    name: str
    name_en: str
    points: int = 0
    devices: int = 0
    last_sync: datetime | None = None
    silent: dict = field(default_factory=lambda: dict.fromkeys(SILENT, 0))
    backlog: int | None = None
    phone_quarantined: int | None = None
    rejected: int = 0
    stale: int = 0
    fresh_devices: list = field(default_factory=lambda: [0] * (len(FRESH) + 2))
    fresh_points: list = field(default_factory=lambda: [0] * (len(FRESH) + 2))
    packs: list = field(default_factory=list)
    active7: set = field(default_factory=set)
    active30: set = field(default_factory=set)
    learners: set = field(default_factory=set)
    records: int = 0
    lessons: int = 0
    unverified: int = 0
    seconds: int = 0
    asked: int = 0

    @property
    def known(self) -> bool:
        """Whether any phone ever reported here; if not, learning figures are unknown."""
        return self.devices > 0

    def value(self, amount):
        return amount if self.known else None


def _bucket(moment: datetime | None, now: datetime) -> int:
    """Index into FRESH-buckets: 0 ≤3 days … 4 >60 days, 5 never."""
    if moment is None:
        return len(FRESH) + 1
    age = now - moment
    for i, days in enumerate(FRESH):
        if age <= timedelta(days=days):
            return i
    return len(FRESH)


def _groups(frame: Frame) -> tuple[list[Group], dict[int, Group], dict]:
    rows = db.session.execute(
        select(LearningPoint, Area.path)
        .join(Area, Area.id == LearningPoint.area_id)
        .where(LearningPoint.id.in_(frame.points()))
        .order_by(LearningPoint.code)
    ).all()
    depth = len(frame.area.path.strip("/").split("/")) if frame.area is not None else 0
    child_ids: dict[int, int | None] = {}
    for point, path in rows:
        parts = [int(x) for x in path.strip("/").split("/") if x]
        child_ids[point.id] = parts[depth] if len(parts) > depth else None
    wanted = {c for c in child_ids.values() if c is not None}
    areas = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(wanted)))}
    groups: dict = {}
    of_point: dict[int, Group] = {}
    for point, _ in rows:
        child = child_ids[point.id]
        if frame.point is not None or child is None:
            key = ("point", point.id)
            if key not in groups:
                groups[key] = Group("point", point.id, point.name, point.name_en or point.name)
        else:
            key = ("area", child)
            if key not in groups:
                a = areas[child]
                groups[key] = Group("area", a.id, a.name, a.name_en or a.name)
        groups[key].points += 1
        of_point[point.id] = groups[key]
    ordered = sorted(groups.values(), key=lambda g: g.name)
    return ordered, of_point, {p.id: p for p, _ in rows}


def _versions(status: dict | None) -> dict:
    packs = (status or {}).get("packs") if isinstance(status, dict) else None
    return {k: v for k, v in (packs or {}).items() if isinstance(v, int)}


def _int(status: dict | None, key: str) -> int | None:
    value = (status or {}).get(key) if isinstance(status, dict) else None
    return value if isinstance(value, int) and value >= 0 else None


#: What :func:`build` computes, each part on its own; a table names the parts it reads
#: (tables.py), so an export computes only those.
PARTS = ("groups", "funnel", "ages", "topics", "carry", "trend", "learners", "credits", "points")


def build(frame: Frame, parts=PARTS) -> dict:
    """The dashboard's figures for ``frame``: only ``parts`` (every one by default).

    ``groups`` gives ``groups``, ``totals`` and ``spread``; ``learners`` needs the same pass
    over the devices and their activity, and computes it when asked alone.
    """
    parts = set(parts)
    unknown = parts - set(PARTS)
    if unknown:
        raise KeyError(sorted(unknown))
    wanted_current = parts & {"groups", "learners", "funnel"}
    current = {r.pack_id: r for r in current_releases()} if wanted_current else {}
    out: dict = {}
    points = None
    if parts & {"groups", "learners"}:
        groups, points, active = _group_pass(frame, current)
        if "groups" in parts:
            totals = _totals(frame, groups, len(points))
            out.update(groups=groups, totals=totals, spread=spread(groups))
        if "learners" in parts:
            out["learners"] = learner_rows(frame, active)
    if "funnel" in parts:
        out["funnel"] = _funnel(frame, current)
    if "ages" in parts:
        out["ages"] = _ages(frame)
    if "topics" in parts:
        out["topics"] = _topics(frame)
    if "carry" in parts:
        out["carry"] = carry(frame, points if points is not None else _groups(frame)[2])
    if "trend" in parts:
        out["trend"] = weekly(frame)
    if "credits" in parts:
        out["credits"] = credit_figures(frame)
    if "points" in parts:
        out["points"] = points_figures(frame)
    return out


def _group_pass(frame: Frame, current: dict) -> tuple[list[Group], dict, list[tuple]]:
    """The groups with their devices' figures, the frame's points by id, and the activity
    of each learner active in the period (see :func:`_activity`)."""
    now = frame.now
    groups, of_point, points = _groups(frame)
    point_last: dict[int, datetime | None] = dict.fromkeys(points)
    devices = db.session.execute(
        select(Device.id, Device.learning_point_id, Device.last_seen_at, Device.last_status)
        .where(Device.id.in_(frame.devices()))
        .order_by(Device.id)
    ).all()
    device_group: dict[str, Group] = {}
    per_device = frame.point is not None or frame.only_unenrolled
    if per_device:
        groups = []
    unenrolled = None
    if frame.unenrolled:
        zh, en = TEXT["zh-CN"]["unenrolled"], TEXT["en"]["unenrolled"]
        unenrolled = Group("unenrolled", "unenrolled", zh, en)
    for d in devices:
        if per_device:
            group = Group("device", d.id, d.id[:8], d.id[:8], points=int(frame.point is not None))
            groups.append(group)
        elif d.learning_point_id is None:
            group = unenrolled
        else:
            group = of_point[d.learning_point_id]
        device_group[d.id] = group
        group.devices += 1
        if d.last_seen_at is not None:
            if group.last_sync is None or d.last_seen_at > group.last_sync:
                group.last_sync = d.last_seen_at
            last = point_last.get(d.learning_point_id)
            if d.learning_point_id is not None and (last is None or d.last_seen_at > last):
                point_last[d.learning_point_id] = d.last_seen_at
        age = now - d.last_seen_at if d.last_seen_at is not None else None
        for days in SILENT:
            if age is None or age > timedelta(days=days):
                group.silent[days] += 1
        for key, attr in (("unsent", "backlog"), ("quarantined", "phone_quarantined")):
            amount = _int(d.last_status, key)
            if amount is not None:
                setattr(group, attr, (getattr(group, attr) or 0) + amount)
        held = _versions(d.last_status)
        group.packs.append(held)
        if any(p in current and v < current[p].version for p, v in held.items()):
            group.stale += 1
        group.fresh_devices[_bucket(d.last_seen_at, now)] += 1
    if not per_device:
        for point_id, last in point_last.items():
            of_point[point_id].fresh_points[_bucket(last, now)] += 1
    if unenrolled is not None:
        groups = [*groups, unenrolled]  # always shown, even at 0 phones
    for model in (QuarantinedRecord, RecordConflict):
        for device_id, count in db.session.execute(
            select(model.device_id, func.count())
            .where(model.device_id.in_(frame.devices()))
            .group_by(model.device_id)
        ):
            device_group[device_id].rejected += count
    return groups, points, _activity(frame, device_group)


def _activity(frame: Frame, device_group: dict[str, Group]) -> list[tuple]:
    """Active learners (7 and 30 days to today) and the period's sums, in one pass; returns
    ``(learner, device, lessons, unverified, seconds, last day)`` of each learner active in
    the period, for the learners table."""
    a = ActivityDaily
    recent = frame.today - timedelta(days=29)
    week = frame.today - timedelta(days=6)
    within = (a.day >= frame.start) & (a.day <= frame.end)
    latest = func.max(case((a.day >= recent, a.day)))
    last_within = func.max(case((within, a.day)))

    def period(column):
        return func.sum(case((within, column), else_=0))

    query = (
        select(
            a.device_id,
            a.learner,
            latest,
            func.count(case((within, 1))),
            period(a.records),
            period(a.lessons),
            period(a.unverified),
            period(a.seconds),
            period(a.asked),
            last_within,
        )
        .where(
            a.device_id.in_(frame.devices()),
            a.day >= min(recent, frame.start),
            a.day <= max(frame.today, frame.end),
        )
        .group_by(a.device_id, a.learner)
    )
    active = []
    for (
        device_id,
        learner,
        last,
        days,
        records,
        lessons,
        unverified,
        seconds,
        asked,
        last_in_period,
    ) in db.session.execute(query):
        group = device_group[device_id]
        if last is not None and last <= frame.today:
            group.active30.add(learner)
            if last >= week:
                group.active7.add(learner)
        if days:
            group.learners.add(learner)
            group.records += records
            group.lessons += lessons
            group.unverified += unverified
            group.seconds += seconds
            group.asked += asked
            active.append((learner, device_id, lessons, unverified, seconds, last_in_period))
    return active


def _totals(frame: Frame, groups: list[Group], points: int) -> dict:
    known = any(g.known for g in groups)

    def union(attr):
        out = set()
        for g in groups:
            out |= getattr(g, attr)
        return len(out) if known else None

    def total(attr):
        return sum(getattr(g, attr) for g in groups) if known else None

    return {
        "points": points,
        "devices": sum(g.devices for g in groups),
        "silent_points": sum(1 for g in groups if g.kind == "point" and not g.known),
        "active7": union("active7"),
        "active30": union("active30"),
        "learners": union("learners"),
        "lessons": total("lessons"),
        "unverified": total("unverified"),
        "hours": round(total("seconds") / 3600, 1) if known else None,
        "records": total("records"),
        "rejected": sum(g.rejected for g in groups),
    }


def lesson_counts(releases: dict) -> dict[str, int]:
    """Lessons in each pack's current release, from its signed manifest."""
    out = {}
    for pack_id, release in releases.items():
        try:
            body = json.loads(release.manifest)
            lessons = (body.get("signed") or body).get("lessons") or []
        except (ValueError, AttributeError):
            lessons = []
        if lessons:
            out[pack_id] = len(lessons)
    return out


def _funnel(frame: Frame, current: dict) -> list[dict]:
    c = CourseLearner
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for pack, lessons, n in db.session.execute(
        select(c.pack, c.lessons, func.count())
        .where(c.device_id.in_(frame.devices()))
        .group_by(c.pack, c.lessons)
    ):
        counts[pack][lessons] = n
    sizes = lesson_counts(current)
    out = []
    for pack in sorted(counts):
        by = counts[pack]
        size = sizes.get(pack) or max(by) or 1
        half = max(1, (size + 1) // 2)
        release = current.get(pack)
        title = release.title if release is not None else {}
        out.append(
            {
                "pack": pack,
                "title": title.get("zh-CN") or pack,
                "title_en": title.get("en") or pack,
                "lessons": size,
                "stages": [
                    sum(by.values()),
                    sum(n for k, n in by.items() if k >= 1),
                    sum(n for k, n in by.items() if k >= half),
                    sum(n for k, n in by.items() if k >= size),
                ],
            }
        )
    return out


def _ages(frame: Frame) -> list[tuple[str, int]]:
    counts = dict(
        db.session.execute(
            select(LearnerProfile.age_band, func.count())
            .where(LearnerProfile.device_id.in_(frame.devices()))
            .group_by(LearnerProfile.age_band)
        ).all()
    )
    bands = [(band, counts.get(band, 0)) for band in AGE_BANDS]
    unknown = sum(n for band, n in counts.items() if band not in AGE_BANDS)
    return bands + [("unknown", unknown)]


def _topics(frame: Frame, limit: int = 10) -> list[tuple[str, int]]:
    t = TopicDaily
    total = func.sum(t.count).label("n")
    return [
        (topic, n)
        for topic, n in db.session.execute(
            select(t.topic, total)
            .where(t.device_id.in_(frame.devices()), t.day >= frame.start, t.day <= frame.end)
            .group_by(t.topic)
            .order_by(total.desc(), t.topic)
            .limit(limit)
        )
    ]
