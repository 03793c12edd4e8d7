"""Administrators' organisation page (``/staff/org``): the area tree in their scope
(county › township › village, each village's learning points) and the forms that add a
township or village under an area in scope and a learning point in a village in scope.

The forms load through marshmallow schemas (core/forms.py) and reuse ``service.py``; a
refusal of either is shown next to the form in the page's language with status 400,
nothing stored. A target area outside scope answers 404.
"""

from __future__ import annotations

from collections import defaultdict

from flask import redirect, request, url_for
from marshmallow import fields
from sqlalchemy import select

from ..core.forms import FormId, FormSchema, word_errors
from ..core.forms import FormRefused as FormError
from ..core.forms import read_form as core_read_form
from ..core.htmlpage import render_page
from ..core.words import WORDS, current_lang, translate
from ..extensions import db
from . import auth, scope
from .models import Area, LearningPoint
from .routes import bp
from .scope import get_in_scope
from .service import OrgError, create_area, create_point

#: The level of an area added under a parent of this level.
CHILD_LEVEL = {"county": "township", "township": "village"}


class _Place(FormSchema):
    code = fields.String(load_default="")
    name = fields.String(load_default="")
    name_en = fields.String(load_default="")


class AreaForm(_Place):
    parent_id = FormId(required=True, error_messages=word_errors("err_choose"))


class PointForm(_Place):
    village_id = FormId(required=True, error_messages=word_errors("err_choose"))


def read_form(schema) -> dict:
    """The posted form loaded by ``schema``; its first error as a :class:`FormError`."""
    return core_read_form(schema, request.form)


def error_text(exc: Exception) -> str:
    """A refusal in the page's language (the service's English sentence if unknown)."""
    if isinstance(exc, FormError):
        return translate(exc.key, **exc.values)
    key = f"err_{getattr(exc, 'key', '')}"
    if key in WORDS["en"]:
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
    return render_page(
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
        form = read_form(AreaForm())
        parent = get_in_scope(Area, form["parent_id"])
        level = CHILD_LEVEL.get(parent.level)
        if level is None:
            raise FormError("err_parent_level")
        create_area(level, form["code"], form["name"], form["name_en"], parent.code)
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
        form = read_form(PointForm())
        village = get_in_scope(Area, form["village_id"])
        if village.level != "village":
            raise FormError("err_not_village")
        create_point(form["code"], form["name"], village.code, form["name_en"])
    except (OrgError, FormError) as exc:
        db.session.rollback()
        return _page(400, {"point": error_text(exc)})
    db.session.commit()
    return redirect(url_for("staff.org", done="point"), 303)
