"""Volunteer pages on the staff blueprint: the learning points in scope, one point's phones
and pack versions, its enrolment QR code and A4 poster, pack downloads, and the upload of
many sync bundles at once. A feature adds its own part of a point's page through the
``point-page-panels`` hook (points: the redemption phones).

A point outside the staff member's scope answers 404, as if it did not exist (docs/staff.md).
The upload answers a page listing each file, or JSON per file when the small script asks
for it (``Accept: application/json``) to show progress.
"""

from __future__ import annotations

from flask import current_app, jsonify, redirect, request, url_for

from ..core import hooks
from ..core.htmlpage import render_page
from ..core.qr import qr_svg
from ..core.timeutil import local_text
from ..core.words import sentence, size_text, translate
from ..extensions import db
from ..packs.service import release_route
from ..sync.uploads import import_uploads, receipt_rows, receipt_summary
from . import auth, scope
from .enrolment import enrol_url, public_base
from .models import Area, LearningPoint
from .pointview import point_summaries, point_view
from .routes import bp
from .scope import get_in_scope


@bp.app_template_filter("staff_time")
def _staff_time(value) -> str:
    """A moment in the county's time, or "never" in the page's language."""
    return local_text(value, translate("never"))


@bp.get("/points")
@auth.staff_required()
def points():
    """Every learning point the staff member may see, with phones and last sync."""
    staff = auth.current_staff()
    rows = point_summaries(scope.points_in_scope(staff))
    return render_page("staff/points.html", rows=rows)


@bp.get("/point")
@auth.staff_required()
def my_point():
    """A volunteer's own learning point; an administrator gets the list."""
    staff = auth.current_staff()
    if staff.role == "volunteer" and staff.point_id is not None:
        return redirect(url_for("staff.point", point_id=staff.point_id))
    return redirect(url_for("staff.points"))


@bp.get("/points/<int:point_id>")
@auth.staff_required("admin", "volunteer")
def point(point_id: int):
    found = get_in_scope(LearningPoint, point_id)
    view = point_view(found)
    base, guessed = public_base()
    url = enrol_url(found, base)
    settings = current_app.config["XUEDIAN"]
    return render_page(
        "staff/point.html",
        view=view,
        enrol_url=url,
        guessed=guessed,
        base=base,
        qr=qr_svg(url, translate("qr_label", url=url)),
        limit=size_text(settings.max_upload_bytes),
        archive_url=lambda r: url_for("packs.get_archive", pack_id=r.pack_id, version=r.version),
        has_route=lambda r: release_route(r) is not None,
        panels=hooks.collect("point-page-panels", found, [d.id for d in view.devices]),
    )


@bp.get("/points/<int:point_id>/poster")
@auth.staff_required("admin", "volunteer")
def poster(point_id: int):
    """A printable A4 poster: the QR code and the install steps, in Chinese."""
    found = get_in_scope(LearningPoint, point_id)
    village = db.session.get(Area, found.area_id)
    base, guessed = public_base()
    url = enrol_url(found, base)
    return render_page(
        "staff/poster.html",
        point=found,
        village=village,
        enrol_url=url,
        guessed=guessed,
        base=base,
        qr=qr_svg(url, translate("qr_label", "zh-CN", url=url)),
        zh=lambda key, **values: translate(key, "zh-CN", **values),
    )


@bp.post("/points/<int:point_id>/bundles")
@auth.upload_page
@auth.staff_required("admin", "volunteer")
def upload(point_id: int):
    """Import several ``.xdsync`` files; the signed-in staff member carried them."""
    found = get_in_scope(LearningPoint, point_id)
    staff = auth.current_staff()
    files = [f for f in request.files.getlist("bundles") if f.filename]
    rows = receipt_rows(import_uploads(files, received_at=None, carried_by=staff.id))
    status = 200 if files else 400
    if request.accept_mimetypes.best == "application/json":
        results = [
            {k: r[k] for k in ("name", "ok", "code", "device")} | {"text": sentence(r["lines"])}
            for r in rows
        ]
        summary = sentence([receipt_summary(rows)]) if rows else translate("result_none")
        return jsonify({"ok": bool(files), "summary": summary, "files": results}), status
    return render_page(
        "page/receipt.html",
        status,
        layout="page/layout.html",
        brand="brand",
        title="result_title",
        rows=rows,
        summary=receipt_summary(rows),
        summary_testid="result-summary",
        notes=[],
        back="upload_more",
        back_url=url_for("staff.point", point_id=found.id) + "#upload",
    )
