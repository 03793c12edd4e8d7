"""The county's aggregates document: what a county sends its province, built from the
figures its own dashboard computes (``reports.figures.build``), signed with the county's
key (``keys``).

Only counts and names of places and packs: per village (each area holding learning points,
and the phones at no point) the dashboard group's figures with learner sets as sizes
(:mod:`.groups`); for the county, the same, the completions funnel by pack, profiles by age
band, the weekly trend, twelve months of activity and the credit bank's counts. No learner
id, device id, record or volunteer name is ever in it (tests/server/province check it).
Each document built gets the next sequence number (``province_sent``), so a province keeps
the newest and refuses older ones.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import distinct, func, select

from ..core.canonjson import canonical_bytes
from ..core.timeutil import iso, local_day, parse_iso, utcnow
from ..extensions import db
from ..keys.service import keyring
from ..org.models import Area, LearningPoint, Staff
from ..reports import figures
from ..reports.models import ActivityDaily
from ..reports.scope import Frame
from . import groups
from .models import ProvinceSent

TYPE = "province-aggregates"
VERSION = 1
MONTHS = 12
#: The county parts a document carries (the rest name learners, phones or volunteers).
COUNTY_PARTS = ("groups", "funnel", "ages", "trend", "credits")


def _operator(root: Area) -> Staff:
    """A county-root administrator that exists only in memory: the frame's scope (never
    added to the session, never stored)."""
    return Staff(role="admin", area_id=root.id, username="province-export")


def _months(frame: Frame) -> list[dict]:
    """Learners active, lessons and records of each of the last MONTHS months, oldest
    first (the current month so far)."""
    first = frame.today.replace(day=1)
    starts = []
    for _ in range(MONTHS):
        starts.insert(0, first)
        first = (first - timedelta(days=1)).replace(day=1)
    a = ActivityDaily
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else frame.today + timedelta(days=1)
        learners, lessons, records = db.session.execute(
            select(
                func.count(distinct(a.learner)),
                func.coalesce(func.sum(a.lessons), 0),
                func.coalesce(func.sum(a.records), 0),
            ).where(a.device_id.in_(frame.devices()), a.day >= start, a.day < end)
        ).one()
        month = f"{start.year:04d}-{start.month:02d}"
        out.append(
            {"month": month, "learners": learners, "lessons": int(lessons), "records": int(records)}
        )
    return out


def _credits(c: dict) -> dict:
    def rows(items):
        return [[str(k) if k is not None else None, n, h] for k, n, h in items]

    return {
        "issued": c["issued"],
        "waiting": c["waiting"],
        "courses": rows(c["courses"]),
        "villages": rows(c["villages"]),
        "ages": rows(c["ages"]),
    }


def _villages(root: Area, staff: Staff, start: date, end: date, now) -> list[dict]:
    """One row per area under ``root`` that holds learning points, by code."""
    ids = select(LearningPoint.area_id).distinct()
    areas = db.session.scalars(
        select(Area)
        .where(Area.id.in_(ids), Area.path.startswith(root.path, autoescape=True))
        .order_by(Area.code)
    ).all()
    rows = []
    for area in areas:
        frame = Frame(staff, area, None, start, end, now)
        found = figures.build(frame, ("groups",))["groups"]
        merged = groups.merge(found, "area", area.code, area.name, area.name_en or area.name)
        rows.append(groups.dump(merged, area.code))
    return rows


def build(now=None) -> dict:
    """The county's aggregates, unsigned (``signed`` body without key_id and seq), over
    the dashboard's default period (the 30 days to today)."""
    now = now or utcnow()
    root = db.session.scalars(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.id)
    ).first()
    end = local_day(now)
    start = end - timedelta(days=29)
    body = {
        "type": TYPE,
        "version": VERSION,
        "generated_at": iso(now),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
    }
    if root is None:
        return {**body, "county": None, "total": None, "villages": [], "funnel": []}
    staff = _operator(root)
    frame = Frame(staff, root, None, start, end, now, unenrolled=True)
    report = figures.build(frame, COUNTY_PARTS)
    total = groups.merge(report["groups"], "county", root.code, root.name, root.name_en)
    villages = _villages(root, staff, start, end, now)
    villages += [groups.dump(g, "unenrolled") for g in report["groups"] if g.kind == "unenrolled"]
    return {
        **body,
        "county": {"code": root.code, "name": root.name, "name_en": root.name_en or root.name},
        "total": groups.dump(total, root.code),
        "villages": villages,
        "funnel": report["funnel"],
        "ages": [[band, n] for band, n in report["ages"]],
        "trend": [{**w, "week": w["week"].isoformat()} for w in report["trend"]],
        "months": _months(frame),
        "credits": _credits(report["credits"]),
    }


def digest(signed: dict) -> str:
    """The sha256 (hex) of the signed body's canonical bytes."""
    return hashlib.sha256(canonical_bytes(signed)).hexdigest()


def signed_document(via: str, now=None) -> tuple[dict, ProvinceSent]:
    """Build, number and sign the county's aggregates; returns the envelope
    ``{"signed", "signature"}`` and its ``province_sent`` row (committed)."""
    body = build(now)
    generated = parse_iso(body["generated_at"])
    sent = ProvinceSent(generated_at=generated, digest="", via=via, status="pending")
    db.session.add(sent)
    db.session.flush()
    envelope = keyring().sign({**body, "seq": sent.id})
    sent.digest = digest(envelope["signed"])
    if via == "pull":
        sent.status = "sent"
    db.session.commit()
    return envelope, sent
