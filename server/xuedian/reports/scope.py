"""What one report covers: the admin's scope narrowed to an area, a point and a date range.

Every report query takes a :class:`Frame`; its ``points`` and ``devices`` selects are built
from ``org.scope``, so nothing outside the signed-in staff member's scope is ever read.
A frame over a whole county, seen by its root administrator, also holds the phones enrolled
at no point (``unenrolled``), so nothing synced is invisible (docs/reports.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, false, or_, select

from ..core.timeutil import local_day
from ..core.wirefields import date_in_range
from ..errors import NotFound
from ..extensions import db
from ..org.models import Area, LearningPoint, Staff
from ..org.scope import area_visible, areas_in_scope, get_in_scope, points_in_scope, sees_unenrolled
from ..sync.models import Device

#: The longest date range a report may cover.
MAX_DAYS = 366


@dataclass
class Frame:
    staff: Staff
    area: Area | None
    point: LearningPoint | None
    start: date
    end: date
    now: datetime
    #: Whether the frame holds the phones enrolled at no point (county root, no filter).
    unenrolled: bool = False
    #: Only those phones, one row each (``?unenrolled=1``, the drill-down of their row).
    only_unenrolled: bool = False

    @property
    def today(self) -> date:
        return local_day(self.now)

    def points(self) -> Select:
        """``SELECT learning_point.id`` in scope, under the area or the one point."""
        if self.only_unenrolled:
            return select(LearningPoint.id).where(false())
        query = select(LearningPoint.id).where(LearningPoint.id.in_(points_in_scope(self.staff)))
        if self.point is not None:
            return query.where(LearningPoint.id == self.point.id)
        if self.area is not None:
            under = select(Area.id).where(Area.path.startswith(self.area.path, autoescape=True))
            query = query.where(LearningPoint.area_id.in_(under))
        return query

    def devices(self) -> Select:
        if self.only_unenrolled:
            return select(Device.id).where(Device.learning_point_id.is_(None))
        enrolled = Device.learning_point_id.in_(self.points())
        if self.unenrolled:
            return select(Device.id).where(or_(enrolled, Device.learning_point_id.is_(None)))
        return select(Device.id).where(enrolled)


def _day(text: str | None, default: date) -> date:
    # Only dates whose day arithmetic cannot leave the calendar (?to=0001-01-01 did).
    return date_in_range(text) or default


def frame(staff: Staff, args, now: datetime) -> Frame:
    """Read ``area``, ``point``, ``unenrolled``, ``from`` and ``to`` from the query string;
    404 outside scope."""
    area = point = None
    only = bool(args.get("unenrolled"))
    if only:
        if not sees_unenrolled(staff):
            raise NotFound()
        area = db.session.get(Area, staff.area_id)
    elif args.get("point"):
        point = get_in_scope(LearningPoint, args["point"], staff)
        area = db.session.get(Area, point.area_id)
    elif args.get("area"):
        area = get_in_scope(Area, args["area"], staff)
    elif staff.area_id is not None:
        area = db.session.get(Area, staff.area_id)
    today = local_day(now)
    end = min(_day(args.get("to"), today), today)
    start = _day(args.get("from"), end - timedelta(days=29))
    if start > end:
        start, end = end, start
    start = max(start, end - timedelta(days=MAX_DAYS))
    whole = not only and point is None and (area is None or area.parent_id is None)
    row = whole and sees_unenrolled(staff)
    return Frame(staff, area, point, start, end, now, unenrolled=row, only_unenrolled=only)


def breadcrumbs(frame: Frame) -> list[Area]:
    """The areas from the staff member's own down to the frame's area."""
    if frame.area is None:
        return []
    ids = [int(x) for x in frame.area.path.strip("/").split("/") if x]
    areas = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    chain = [areas[i] for i in ids if i in areas]
    return [a for a in chain if area_visible(frame.staff, a.id)]


def area_choices(staff: Staff) -> list[tuple[int, str, str, int]]:
    """(id, name, English name, depth) of every area in scope, in tree order, for the
    area filter."""
    rows = db.session.scalars(
        select(Area).where(Area.id.in_(areas_in_scope(staff))).order_by(Area.path)
    ).all()
    top = min((a.path.count("/") for a in rows), default=0)
    return [(a.id, a.name, a.name_en or a.name, a.path.count("/") - top) for a in rows]
