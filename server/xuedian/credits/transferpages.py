"""Transfers in, over HTTP: the staff page ``/staff/credits/transfer`` where a volunteer or
administrator pastes or uploads another county's certificate for a learner, and the staff
API ``POST /api/v1/credits/transfers`` that does the same for a JSON body (a staff session
with its ``X-CSRF-Token``). HTTP only: the work is transfer.py."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, url_for

from ..audit.service import record
from ..core.htmlpage import render_page
from ..core.http import load_body
from ..errors import Unauthorized, XuedianError
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.scope import points_in_scope
from . import transfer
from .errors import TransferForbidden
from .schemas import TransferRequest

bp = Blueprint("credit_transfer", __name__, template_folder="templates")
ROLES = ("admin", "volunteer")
#: The largest certificate file the page reads (a badge is a few KiB).
MAX_FILE = 128 * 1024


def _page(status: int = 200, errors=(), done: str | None = None, form=None):
    staff = current_staff()
    return render_page(
        "credits/transfer.html",
        status,
        transfers=transfer.for_points(points_in_scope(staff)),
        errors=list(errors),
        done=done,
        form=form or {},
    )


def _accept(staff, learner: str, text):
    """Accept and audit; return the transfer row (committed)."""
    row = transfer.accept(staff, learner, text)
    details = {"issuer": row.issuer_did, "credential": row.credential_ref, "credits": row.credits}
    record("credit-transfer", learner, details, commit=False)
    db.session.commit()
    return row


@bp.get("/staff/credits/transfer")
@staff_required(*ROLES)
def page():
    return _page(done=request.args.get("done"))


@bp.post("/staff/credits/transfer")
@staff_required(*ROLES)
def submit():
    check_csrf()
    learner = request.form.get("learner", "").strip().lower()
    upload = request.files.get("file")
    text = upload.read(MAX_FILE) if upload and upload.filename else b""
    text = text.decode("utf-8", "replace") if text else request.form.get("credential", "")
    errors = []
    if not learner or len(learner) > 36:
        errors.append("cr.err.learner")
    if not text.strip():
        errors.append("cr.err.credential")
    if errors:
        return _page(400, errors, form=request.form)
    try:
        _accept(current_staff(), learner, text)
    except XuedianError as error:
        db.session.rollback()
        return _page(error.status, [f"err.{error.code}"], form=request.form)
    return redirect(url_for("credit_transfer.page", done="transferred"), 303)


@bp.post("/api/v1/credits/transfers")
def api_accept():
    """Body ``{"learner": uuid, "credential": {…} | "XD1:…"}``; answers 201 with the
    transfer, or the error envelope."""
    staff = current_staff()
    if staff is None:
        raise Unauthorized("Sign in as a volunteer or administrator.")
    if staff.role not in ROLES:
        raise TransferForbidden()
    check_csrf()
    body = load_body(TransferRequest())
    row = _accept(staff, body["learner"].strip().lower(), body["credential"])
    return jsonify({"ok": True, "transfer": transfer.describe(row)}), 201
