"""What a staff member may see: every query of staff pages and reports goes through here.

An administrator sees the learning points (and their devices, learners and records) in
the areas under their own, and the staff accounts scoped to those areas and points; a
volunteer sees only their learning point; an author sees only their publishing
institution (and its drafts in the studio). Nothing else.

Unenrolled phones (no valid enrolment token yet) belong to no area, only to the county
server they synced with: an administrator of a top-level area (the county itself, no
parent) sees them; township and village administrators and volunteers never do.

Pages look one object up with :func:`get_in_scope`: outside the scope it answers 404 (the
one error envelope, or the staff error page), as if the object did not exist.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select, and_, false, or_, select

from ..core.wirefields import db_id
from ..errors import NotFound
from ..extensions import db
from .auth import current_staff
from .models import Area, LearningPoint, Publisher, Staff


def areas_in_scope(staff: Staff) -> Select:
    """``SELECT area.id`` of the areas the staff member may see (volunteers: their village)."""
    if staff.role == "admin" and staff.area_id is not None:
        root = db.session.get(Area, staff.area_id)
        if root is not None:
            return select(Area.id).where(Area.path.startswith(root.path, autoescape=True))
    if staff.role == "volunteer" and staff.point_id is not None:
        return select(LearningPoint.area_id).where(LearningPoint.id == staff.point_id)
    return select(Area.id).where(false())


def points_in_scope(staff: Staff) -> Select:
    """``SELECT learning_point.id`` of the points the staff member may see."""
    if staff.role != "admin":
        if staff.role != "volunteer" or staff.point_id is None:
            return select(LearningPoint.id).where(false())
        return select(LearningPoint.id).where(LearningPoint.id == staff.point_id)
    return select(LearningPoint.id).where(LearningPoint.area_id.in_(areas_in_scope(staff)))


def visible_points(staff: Staff) -> list[LearningPoint]:
    """The learning points the staff member may see, by code (for a page's point list)."""
    query = select(LearningPoint).where(LearningPoint.id.in_(points_in_scope(staff)))
    return list(db.session.scalars(query.order_by(LearningPoint.code)))


def publishers_in_scope(staff: Staff) -> Select:
    """``SELECT publisher.id`` of the institutions the staff member may see: an
    administrator's registered in their areas, an author's own; none for a volunteer."""
    if staff.role == "author":
        if staff.publisher_id is None:
            return select(Publisher.id).where(false())
        return select(Publisher.id).where(Publisher.id == staff.publisher_id)
    if staff.role != "admin":
        return select(Publisher.id).where(false())
    return select(Publisher.id).where(Publisher.area_id.in_(areas_in_scope(staff)))


def devices_in_scope(staff: Staff) -> Select:
    """``SELECT device.id`` of the phones enrolled at points the staff member may see."""
    from ..sync.models import Device

    return select(Device.id).where(Device.learning_point_id.in_(points_in_scope(staff)))


def is_county_admin(staff: Staff | None) -> bool:
    """Whether ``staff`` administers the county's root area: what belongs to the whole
    county (LRS clients, the province's figures) is theirs alone."""
    if staff is None or staff.role != "admin" or staff.area_id is None:
        return False
    area = db.session.get(Area, staff.area_id)
    return area is not None and area.parent_id is None


def sees_unenrolled(staff: Staff) -> bool:
    """Whether ``staff`` sees the phones enrolled at no learning point (the county root's
    administrators only)."""
    return is_county_admin(staff)


def point_visible(staff: Staff, point_id: int) -> bool:
    query = select(LearningPoint.id).where(
        LearningPoint.id == point_id, LearningPoint.id.in_(points_in_scope(staff))
    )
    return db.session.scalar(query) is not None


def area_visible(staff: Staff, area_id: int) -> bool:
    query = select(Area.id).where(Area.id == area_id, Area.id.in_(areas_in_scope(staff)))
    return db.session.scalar(query) is not None


def areas_below(staff: Staff) -> Select:
    """``SELECT area.id`` of the areas strictly under an administrator's own area."""
    return areas_in_scope(staff).where(Area.id != staff.area_id)


def staff_in_scope(staff: Staff) -> Select:
    """``SELECT staff.id`` of the accounts an administrator may manage, all of lower rank:
    administrators of areas strictly under theirs, volunteers of points in scope and
    authors of publishing institutions in scope. Never
    their own account, nor a fellow administrator of the same area."""
    if staff.role != "admin":
        return select(Staff.id).where(false())
    return select(Staff.id).where(
        or_(
            and_(Staff.role == "admin", Staff.area_id.in_(areas_below(staff))),
            and_(Staff.role == "volunteer", Staff.point_id.in_(points_in_scope(staff))),
            and_(Staff.role == "author", Staff.publisher_id.in_(publishers_in_scope(staff))),
        )
    )


def staff_visible(staff: Staff, staff_id: int) -> bool:
    query = select(Staff.id).where(Staff.id == staff_id, Staff.id.in_(staff_in_scope(staff)))
    return db.session.scalar(query) is not None


def _scopes() -> dict[type, Callable[[Staff], Select]]:
    return {
        Area: areas_in_scope,
        LearningPoint: points_in_scope,
        Publisher: publishers_in_scope,
        Staff: staff_in_scope,
    }


def get_in_scope(model: type, ident, staff: Staff | None = None, within=None):
    """The ``model`` row with id ``ident`` (a number, or text from a form or a query
    string) if ``staff`` (default: the signed-in account) may see it; :class:`NotFound`
    otherwise. ``within(staff)`` narrows the scope (``areas_below`` for new admins)."""
    staff = staff if staff is not None else current_staff()
    if not isinstance(ident, int):
        ident = db_id(ident.strip()) if isinstance(ident, str) else None
    if ident is None or staff is None:
        raise NotFound()
    allowed = (within or _scopes()[model])(staff)
    row = db.session.scalar(select(model).where(model.id == ident, model.id.in_(allowed)))
    if row is None:
        raise NotFound()
    return row
