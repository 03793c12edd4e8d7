"""The county's services catalogue: which services an account may see and change.

A service offered at one learning point is the business of the admins whose scope holds
that point; a county-wide service (no point) is seen by every admin and changed only by
an admin of the county's root area.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from ..extensions import db
from ..org.models import Area
from ..org.scope import points_in_scope
from .models import PointsService


def services_in_scope(staff) -> Select:
    """``SELECT points_service.id`` the account may see."""
    s = PointsService
    return select(s.id).where(or_(s.point_id.is_(None), s.point_id.in_(points_in_scope(staff))))


def county_wide_allowed(staff) -> bool:
    """Whether the account is an admin of the county's root area."""
    if staff.role != "admin" or staff.area_id is None:
        return False
    area = db.session.get(Area, staff.area_id)
    return area is not None and area.parent_id is None


def services(staff) -> list[PointsService]:
    """The services the account may see, county-wide first, then by name."""
    return list(
        db.session.scalars(
            select(PointsService)
            .where(PointsService.id.in_(services_in_scope(staff)))
            .order_by(PointsService.point_id.is_not(None), PointsService.name)
        )
    )


def save(service: PointsService, name: str, points: int, point_id, active: bool) -> None:
    """Set a service's fields (a price change applies to vouchers made after it reaches
    the phones; a voucher carries its own points)."""
    service.name, service.points, service.point_id, service.active = name, points, point_id, active
    db.session.add(service)
