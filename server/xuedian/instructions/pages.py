"""The administrators' form for remote instructions (``/staff/instructions``): send a
"full resync" or "update pack X by date Y" to a learning point or one phone in scope.

The pack and the phone are chosen from lists (published packs; unrevoked phones at points
in scope); the form loads through :class:`InstructionForm` (core/forms.py), the service
refuses anything else all the same (a hand-made POST), and the form comes back with the
reasons in the page's language."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from marshmallow import ValidationError, fields, pre_load, validates_schema
from sqlalchemy import select

from ..audit.service import record
from ..core.forms import FormDay, FormId, FormSchema, load_form, word_errors
from ..core.htmlpage import render_page
from ..core.wirefields import db_id
from ..errors import NotFound
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import LearningPoint
from ..org.scope import devices_in_scope, get_in_scope, visible_points
from ..packs.service import current_releases
from ..sync.models import Device
from .models import KINDS
from .service import DeviceOutOfScope, PackUnknown, devices_at, recent, send

bp = Blueprint("instructions", __name__, template_folder="templates")
bp.before_request(check_csrf)


def _devices(staff) -> list[tuple[LearningPoint, list[Device]]]:
    """The unrevoked phones in scope, grouped by learning point (for the phone list)."""
    rows = db.session.execute(
        select(Device, LearningPoint)
        .join(LearningPoint, LearningPoint.id == Device.learning_point_id)
        .where(Device.id.in_(devices_in_scope(staff)), Device.revoked_at.is_(None))
        .order_by(LearningPoint.code, Device.id)
    ).all()
    groups: dict[int, tuple[LearningPoint, list[Device]]] = {}
    for device, point in rows:
        groups.setdefault(point.id, (point, []))[1].append(device)
    return list(groups.values())


def _device_in_scope(staff, text: str) -> Device | None:
    if len(text) < 8:
        return None
    matches = db.session.scalars(
        select(Device)
        .where(Device.id.startswith(text, autoescape=True), Device.id.in_(devices_in_scope(staff)))
        .limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


class InstructionForm(FormSchema):
    """One instruction to a learning point or one phone (not both); an update names its
    pack and may name a version and a date. Errors are word keys (core/words.py)."""

    STRIP = ("point", "device", "pack", "version", "by")

    kind = fields.String(load_default="resync")
    point = fields.String(load_default=None)
    device = fields.String(load_default=None)
    pack = fields.String(load_default=None)
    version = FormId(load_default=None, error_messages=word_errors("err.version"))
    by = FormDay(load_default=None, error_messages=word_errors("err.by"))

    @pre_load
    def _only_what_the_kind_reads(self, data, **_kwargs) -> dict:
        # An unknown kind is a resync; only an update reads the pack, version and date.
        if data.get("kind") not in KINDS:
            data["kind"] = "resync"
        if data["kind"] != "update-pack":
            data = {k: v for k, v in data.items() if k not in ("pack", "version", "by")}
        return data

    @validates_schema(skip_on_field_errors=False)
    def _target_and_pack(self, data, **_kwargs) -> None:
        errors = []
        if bool(data.get("point")) == bool(data.get("device")):
            errors.append("err.target")
        if data.get("kind") == "update-pack" and not data.get("pack"):
            errors.append("err.pack")
        if errors:
            raise ValidationError(errors)


def _read_form(staff) -> tuple[dict, list[str]]:
    """The form's values with its target found in scope, and the error word keys."""
    data, errors = load_form(InstructionForm(), request.form)
    if "err.target" in errors:
        return data, errors
    if data.get("device"):
        data["device"] = _device_in_scope(staff, data["device"].lower())
        if data["device"] is None:
            errors.insert(0, f"err.{DeviceOutOfScope.code}")
    elif data.get("point"):
        try:
            data["point"] = get_in_scope(LearningPoint, data["point"], staff)
        except NotFound:
            data["point"] = None
            errors.insert(0, "err.point")
    return data, errors


def _page(status: int = 200, errors=(), sent: int | None = None):
    staff = current_staff()
    return render_page(
        "instructions/page.html",
        status,
        points=visible_points(staff),
        devices=_devices(staff),
        packs=current_releases(),
        rows=recent(staff),
        errors=list(errors),
        sent=sent,
        form=request.form,
    )


@bp.get("/staff/instructions")
@staff_required("admin")
def page():
    sent = request.args.get("sent")
    return _page(sent=db_id(sent))


@bp.post("/staff/instructions")
@staff_required("admin")
def create():
    staff = current_staff()
    data, errors = _read_form(staff)
    if errors:
        return _page(400, errors)
    point = data.get("point")
    devices = [data["device"]] if data.get("device") else devices_at(point)
    try:
        rows = send(
            data["kind"],
            devices,
            point,
            data.get("pack"),
            data.get("version"),
            data.get("by"),
            created_by=staff,
        )
    except (PackUnknown, DeviceOutOfScope) as error:
        return _page(400, [f"err.{error.code}"])
    record(
        "instruction",
        data["device"].id if data.get("device") else point.code,
        {"kind": data["kind"], "pack": data.get("pack"), "devices": len(rows)},
        area=point if point is not None else None,
    )
    return redirect(url_for("instructions.page", sent=len(rows)), 303)
