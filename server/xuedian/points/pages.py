"""Admins' page of the services catalogue (``/staff/points/services``): the services
redeemable for points at learning points, each with its price; add one, change one. And
the form of a learning point's page that marks or unmarks a phone of the point as its
redemption phone (phones.py), audited.

The form loads through :class:`ServiceForm` (core/forms.py); a point must be in the
account's scope (org/scope.py ``get_in_scope``), a county-wide service needs an admin of
the county's root area."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from marshmallow import fields, validate

from ..audit.service import record
from ..core.forms import FormId, FormSchema, load_form, word_errors
from ..core.htmlpage import render_page
from ..errors import NotFound
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import LearningPoint
from ..org.scope import get_in_scope, visible_points
from .catalogue import county_wide_allowed, save, services, services_in_scope
from .models import PointsService
from .phones import set_mark

bp = Blueprint("points", __name__, template_folder="templates")
bp.before_request(check_csrf)


class ServiceForm(FormSchema):
    """A service: its name, its price in points, where it is offered, whether offered."""

    STRIP = ("name", "points", "point")

    name = fields.String(
        required=True,
        validate=validate.Length(1, 80),
        error_messages=word_errors("err.points_name"),
    )
    points = FormId(required=True, error_messages=word_errors("err.points_price"))
    point = FormId(load_default=None, error_messages=word_errors("err.point"))
    active = fields.String(load_default=None)


def _page(status: int = 200, errors=(), saved: bool = False):
    staff = current_staff()
    points = visible_points(staff)
    return render_page(
        "points/services.html",
        status,
        services=services(staff),
        points=points,
        county_wide=county_wide_allowed(staff),
        errors=list(errors),
        saved=saved,
        form=request.form,
    )


def _read(staff) -> tuple[dict, list[str]]:
    data, errors = load_form(ServiceForm(), request.form)
    if errors:
        return data, errors
    if data.get("points", 0) > 1_000_000:
        return data, ["err.points_price"]
    if data.get("point") is not None:
        try:
            data["point"] = get_in_scope(LearningPoint, data["point"], staff).id
        except NotFound:
            return data, ["err.point"]
    elif not county_wide_allowed(staff):
        return data, ["err.points_county_wide"]
    return data, []


@bp.get("/staff/points/services")
@staff_required("admin")
def page():
    return _page(saved=request.args.get("saved") == "1")


@bp.post("/staff/points/services")
@staff_required("admin")
def add():
    staff = current_staff()
    data, errors = _read(staff)
    if errors:
        return _page(400, errors)
    save(PointsService(), data["name"], data["points"], data["point"], True)
    db.session.commit()
    return redirect(url_for("points.page", saved=1), 303)


@bp.post("/staff/points/services/<int:service_id>")
@staff_required("admin")
def change(service_id: int):
    staff = current_staff()
    service = get_in_scope(PointsService, service_id, staff, within=services_in_scope)
    if service.point_id is None and not county_wide_allowed(staff):
        return _page(403, ["err.points_county_wide"])
    data, errors = _read(staff)
    if errors:
        return _page(400, errors)
    save(service, data["name"], data["points"], data["point"], data.get("active") == "1")
    db.session.commit()
    return redirect(url_for("points.page", saved=1), 303)


@bp.post("/staff/points/phones/<int:point_id>")
@staff_required("admin", "volunteer")
def phone(point_id: int):
    """Mark (``on=1``) or unmark a phone of the point as its redemption phone."""
    staff = current_staff()
    point = get_in_scope(LearningPoint, point_id, staff)
    device_id, on = request.form.get("device", ""), request.form.get("on") == "1"
    if not set_mark(point, device_id, on, staff.username):
        raise NotFound()
    action = "redemption-phone" if on else "redemption-phone-clear"
    record(action, device_id, {"point": point.code}, area=point, commit=False)
    db.session.commit()
    return redirect(url_for("staff.point", point_id=point.id) + "#redemption-phones", 303)
