"""Administrators' organisation page (``/staff/org``): the area tree in their scope
(county › township › village, each village's learning points) and the forms that add a
township or village under an area in scope and a learning point in a village in scope.

The forms reuse ``service.py``; its refusals are shown next to the form in the page's
language with status 400, nothing stored. A target area outside scope answers 404.
"""

from __future__ import annotations

from collections import defaultdict

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from ..core.wirefields import db_id
from ..extensions import db
from . import auth, scope
from .models import Area, LearningPoint
from .routes import bp, html
from .service import OrgError, create_area, create_point
from .text import TEXT, current_lang, translate

#: The level of an area added under a parent of this level.
CHILD_LEVEL = {"county": "township", "township": "village"}


class FormError(Exception):
    """A form refused before reaching the service; ``key`` is a text.py key."""

    def __init__(self, key: str, **values) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def error_text(exc: Exception) -> str:
    """A refusal in the page's language (the service's English sentence if unknown)."""
    if isinstance(exc, FormError):
        return translate(exc.key, **exc.values)
    key = f"err_{getattr(exc, 'key', '')}"
    if key in TEXT["en"]:
        return translate(key, **exc.values)
    return str(exc)


@bp.app_template_filter("local_name")
def local_name(obj) -> str:
    """An area's or point's name in the page's language (Chinese when no English one)."""
    if obj is None:
        return ""
    return obj.name_en if current_lang() == "en" and obj.name_en else obj.name


@bp.app_template_filter("level_name")
def level_name(level: str) -> str:
    return translate(f"level_{level}")


@bp.app_template_filter("role_name")
def role_name(role: str) -> str:
    return translate(f"role_{role}")


def form_id(field: str) -> int:
    """A required id field of the posted form; a FormError when missing or not a number."""
    found = db_id((request.form.get(field) or "").strip())
    if found is None:
        raise FormError("err_choose")
    return found


def area_in_scope(area_id: int) -> Area:
    """The area, if the signed-in administrator may see it; 404 otherwise."""
    area = db.session.get(Area, area_id)
    if area is None or not scope.area_visible(auth.current_staff(), area.id):
        abort(404)
    return area


def point_in_scope(point_id: int) -> LearningPoint:
    point = db.session.get(LearningPoint, point_id)
    if point is None or not scope.point_visible(auth.current_staff(), point.id):
        abort(404)
    return point


def scoped_areas() -> list[Area]:
    query = select(Area).where(Area.id.in_(scope.areas_in_scope(auth.current_staff())))
    return list(db.session.scalars(query.order_by(Area.path)))


def scoped_points() -> list[tuple[LearningPoint, Area]]:
    query = (
        select(LearningPoint, Area)
        .join(Area, LearningPoint.area_id == Area.id)
        .where(LearningPoint.id.in_(scope.points_in_scope(auth.current_staff())))
        .order_by(Area.path, LearningPoint.code)
    )
    return [(p, a) for p, a in db.session.execute(query)]


def _page(status: int = 200, errors: dict | None = None):
    areas = scoped_areas()
    top = min((a.path.count("/") for a in areas), default=0)
    points = defaultdict(list)
    for point, area in scoped_points():
        points[area.id].append(point)
    done = request.args.get("done") if request.method == "GET" else None
    return html(
        "staff/org.html",
        status,
        tree=[(a, a.path.count("/") - top, points.get(a.id, [])) for a in areas],
        parents=[a for a in areas if a.level in CHILD_LEVEL],
        villages=[a for a in areas if a.level == "village"],
        errors=errors or {},
        form=request.form if request.method == "POST" else {},
        done=done if done in ("area", "point") else None,
    )


@bp.get("/org")
@auth.staff_required("admin")
def org():
    return _page()


@bp.post("/org/areas")
@auth.staff_required("admin")
def org_add_area():
    """Add a township under a county, or a village under a township, in scope."""
    try:
        parent = area_in_scope(form_id("parent_id"))
        level = CHILD_LEVEL.get(parent.level)
        if level is None:
            raise FormError("err_parent_level")
        form = request.form
        create_area(
            level, form.get("code", ""), form.get("name", ""), form.get("name_en", ""), parent.code
        )
    except (OrgError, FormError) as exc:
        db.session.rollback()
        return _page(400, {"area": error_text(exc)})
    db.session.commit()
    return redirect(url_for("staff.org", done="area"), 303)


@bp.post("/org/points")
@auth.staff_required("admin")
def org_add_point():
    """Add a learning point in a village in scope."""
    try:
        village = area_in_scope(form_id("village_id"))
        if village.level != "village":
            raise FormError("err_not_village")
        form = request.form
        create_point(form.get("code", ""), form.get("name", ""), village.code, form.get("name_en"))
    except (OrgError, FormError) as exc:
        db.session.rollback()
        return _page(400, {"point": error_text(exc)})
    db.session.commit()
    return redirect(url_for("staff.org", done="point"), 303)
