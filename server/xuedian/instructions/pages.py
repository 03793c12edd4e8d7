"""The administrators' form for remote instructions (``/staff/instructions``): send a
"full resync" or "update pack X by date Y" to a learning point or one phone in scope.

The pack and the phone are chosen from lists (published packs; unrevoked phones at points
in scope); the service refuses anything else all the same (a hand-made POST), and the form
comes back with the reason."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from sqlalchemy import select

from ..audit.service import record
from ..core.wirefields import date_in_range, db_id
from ..extensions import db
from ..jobs.pagetext import html_page
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import LearningPoint
from ..org.scope import devices_in_scope, points_in_scope
from ..packs.service import current_releases
from ..sync.models import Device
from .models import KINDS
from .service import DeviceOutOfScope, PackUnknown, devices_at, recent, send

bp = Blueprint("instructions", __name__, template_folder="templates")
bp.before_request(check_csrf)


def _points(staff) -> list[LearningPoint]:
    return list(
        db.session.scalars(
            select(LearningPoint)
            .where(LearningPoint.id.in_(points_in_scope(staff)))
            .order_by(LearningPoint.code)
        )
    )


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


def _read_form(staff) -> tuple[dict, list[str]]:
    form = request.form
    errors, out = [], {"kind": form.get("kind", "")}
    if out["kind"] not in KINDS:
        out["kind"] = "resync"
    point_id, device_text = form.get("point", ""), form.get("device", "").strip().lower()
    if bool(point_id) == bool(device_text):
        errors.append("err.target")
    elif device_text:
        out["device"] = _device_in_scope(staff, device_text)
        if out["device"] is None:
            errors.append(f"err.{DeviceOutOfScope.code}")
    else:
        found = db_id(point_id)
        point = db.session.get(LearningPoint, found) if found is not None else None
        visible = {p.id for p in _points(staff)}
        if point is None or point.id not in visible:
            errors.append("err.point")
        out["point"] = point
    if out["kind"] == "update-pack":
        out["pack"] = form.get("pack", "").strip()
        if not out["pack"]:
            errors.append("err.pack")
        version = form.get("version", "").strip()
        out["version"] = db_id(version)
        if version and out["version"] is None:
            errors.append("err.version")
        by = form.get("by", "").strip()
        out["by"] = date_in_range(by) if by else None
        if by and out["by"] is None:
            errors.append("err.by")
    return out, errors


def _page(status: int = 200, errors=(), sent: int | None = None):
    staff = current_staff()
    return html_page(
        "instructions/page.html",
        status,
        points=_points(staff),
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
