"""Scheduled report jobs: the nightly rollup, the weekly snapshot and silence alerts.

Each is ``fn(now) -> summary`` registered with :func:`xuedian.jobs.registry.job`, and can be
called directly (the scheduler and the tests both do). Each summary tells what it found per
area (``by_area``, :mod:`xuedian.jobs.scoped`), so the jobs page shows an administrator only
their own area's figures and point codes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from ..core.timeutil import day_span, local_day, utcnow
from ..extensions import db
from ..jobs.registry import job
from ..jobs.scoped import by_area
from ..org.models import Area, LearningPoint
from ..push.service import notify
from ..sync.models import Device
from .models import ActivityDaily, PointDaily, ReportSnapshot, SilentAlert

THRESHOLDS = (30, 14, 7)


def _point_areas() -> dict[int, int]:
    return dict(db.session.execute(select(LearningPoint.id, LearningPoint.area_id)).all())


@job(
    "reports-rollup",
    "15 2 * * *",
    "Keep yesterday's figures per learning point",
    shared=("day",),
)
def nightly_rollup(now: datetime) -> dict:
    """Store the previous local day's figures per learning point in ``report_point_daily``
    (replacing that day's rows, so a second run changes nothing)."""
    day = local_day(now) - timedelta(days=1)
    start, end = day_span(day, day)
    db.session.execute(delete(PointDaily).where(PointDaily.day == day))
    a = ActivityDaily
    activity = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                Device.learning_point_id,
                func.count(func.distinct(a.learner)),
                func.sum(a.lessons),
                func.sum(a.unverified),
                func.sum(a.seconds),
                func.sum(a.records),
            )
            .join(Device, Device.id == a.device_id)
            .where(a.day == day, Device.learning_point_id.is_not(None))
            .group_by(Device.learning_point_id)
        )
    }
    devices = db.session.execute(
        select(
            Device.learning_point_id,
            func.count(),
            func.count().filter(Device.last_seen_at >= start, Device.last_seen_at < end),
        )
        .where(Device.learning_point_id.is_not(None), Device.created_at < end)
        .group_by(Device.learning_point_id)
    ).all()
    areas, parts = _point_areas(), {}
    for point_id, count, seen in devices:
        part = parts.setdefault(areas.get(point_id), {"points": 0})
        part["points"] += 1
        learners, lessons, unverified, seconds, total = activity.get(point_id, (0,) * 5)
        db.session.add(
            PointDaily(
                day=day,
                point_id=point_id,
                devices=count,
                devices_seen=seen,
                learners=learners,
                lessons=lessons or 0,
                unverified=unverified or 0,
                seconds=seconds or 0,
                records=total or 0,
            )
        )
    db.session.commit()
    return {"day": day.isoformat(), "by_area": by_area(parts)}


@job(
    "reports-weekly",
    "30 2 * * 1",
    "Snapshot each county's headline figures for the week",
    shared=("week",),
)
def weekly_snapshot(now: datetime) -> dict:
    """Store, per top-level area, last week's headline figures (one row per week), the
    county's unenrolled phones included."""
    today = local_day(now)
    week = today - timedelta(days=today.weekday() + 7)
    until = week + timedelta(days=6)
    counties = db.session.scalars(select(Area).where(Area.parent_id.is_(None))).all()
    out = {}
    for county in counties:
        points = select(LearningPoint.id).join(Area, Area.id == LearningPoint.area_id)
        points = points.where(Area.path.startswith(county.path, autoescape=True))
        # The county root sees the phones enrolled nowhere too (org/scope.sees_unenrolled).
        unenrolled = Device.learning_point_id.is_(None)
        devices = select(Device.id).where(or_(Device.learning_point_id.in_(points), unenrolled))
        a = ActivityDaily
        learners, lessons, unverified, seconds, records = db.session.execute(
            select(
                func.count(func.distinct(a.learner)),
                func.coalesce(func.sum(a.lessons), 0),
                func.coalesce(func.sum(a.unverified), 0),
                func.coalesce(func.sum(a.seconds), 0),
                func.coalesce(func.sum(a.records), 0),
            ).where(a.device_id.in_(devices), a.day >= week, a.day <= until)
        ).one()
        body = {
            "week": week.isoformat(),
            "points": db.session.scalar(select(func.count()).select_from(points.subquery())),
            "devices": db.session.scalar(select(func.count()).select_from(devices.subquery())),
            "unenrolled_devices": db.session.scalar(
                select(func.count()).select_from(Device).where(unenrolled)
            ),
            "learners": learners,
            "lessons": int(lessons),
            "unverified": int(unverified),
            "hours": round(int(seconds) / 3600, 1),
            "records": int(records),
        }
        db.session.execute(
            delete(ReportSnapshot).where(
                ReportSnapshot.week == week, ReportSnapshot.area_id == county.id
            )
        )
        db.session.add(ReportSnapshot(week=week, area_id=county.id, created_at=utcnow(), body=body))
        out[county.id] = {"county": county.code, **body}
    db.session.commit()
    return {"week": week.isoformat(), "by_area": by_area(out)}


def _message(point: LearningPoint, days: int) -> tuple[dict, dict]:
    title = {
        "zh-CN": f"{point.name}已经{days}天以上没有同步",
        "en": f"{point.name_en or point.name} has not synced for over {days} days",
    }
    body = {
        "zh-CN": "请连上网络或请志愿者带走同步文件，让县里看到大家的学习。",
        "en": "Please connect to the internet or give a sync file to the volunteer, "
        "so the county sees your learning.",
    }
    return title, body


@job("reports-silent-points", "0 8 * * *", "Alert learning points silent for 7, 14, 30 days")
def silent_points(now: datetime) -> dict:
    """Find points silent for more than 7, 14 or 30 days; write one inbox message per point
    to each of its phones (delivered when a phone next syncs, and pushed to phones that
    subscribed), once per threshold until the point syncs again. Points no phone ever
    reported are listed apart, not alerted."""
    last = dict(
        db.session.execute(
            select(LearningPoint.id, func.max(Device.last_seen_at))
            .outerjoin(Device, Device.learning_point_id == LearningPoint.id)
            .group_by(LearningPoint.id)
        ).all()
    )
    points = {p.id: p for p in db.session.scalars(select(LearningPoint))}
    parts: dict[int, dict] = {}
    for point_id in sorted(last):
        seen = last[point_id]
        point = points[point_id]
        part = parts.setdefault(point.area_id, _silent_part())
        if seen is None:
            part["never"].append(point.code)
            continue
        days = next((t for t in THRESHOLDS if now - seen > timedelta(days=t)), None)
        if days is None:
            continue
        part["silent"][str(days)].append(point.code)
        sent = db.session.get(SilentAlert, (point_id, days))
        if sent is not None and sent.last_seen_at == seen:
            continue
        title, body = _message(point, days)
        devices = db.session.scalars(
            select(Device).where(Device.learning_point_id == point_id, Device.revoked_at.is_(None))
        ).all()
        if devices:
            # One inbox message per phone (delivered by the changes feed), and a push queued
            # where the phone subscribed (the push-send job sends it).
            sent_messages, summary = notify(title, body, list(devices), url="/#/")
            part["messages"] += len(sent_messages)
            part["pushed"]["queued"] += summary["queued"]
        sent = db.session.get(SilentAlert, (point_id, days))
        if sent is None:
            db.session.add(
                SilentAlert(point_id=point_id, threshold=days, last_seen_at=seen, sent_at=now)
            )
        else:
            sent.last_seen_at, sent.sent_at = seen, now
    db.session.commit()
    return {"by_area": by_area(parts)}


def _silent_part() -> dict:
    """What the silence check found in one area: point codes per threshold, points no
    phone ever reported, inbox messages written and pushes queued."""
    return {
        "silent": {str(t): [] for t in sorted(THRESHOLDS)},
        "never": [],
        "messages": 0,
        "pushed": {"queued": 0},
    }
