"""The staff pages of credits (``/staff/credits``): administrators edit outcome
definitions (crosswalk included), approve or decline attestations and revoke outcomes
with a reason; volunteers (and administrators) attest outcomes for learners at points they
may see. Every decision is in the audit log."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from sqlalchemy import select

from ..audit.service import record
from ..core.forms import load_form
from ..core.htmlpage import render_page
from ..errors import NotFound
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import LearningPoint
from . import attest as attestations
from . import definitions as defs
from .certify import revoke as revoke_outcome
from .errors import AttestationDecided, LearnerOutOfScope, OutcomeNotCertified
from .forms import AttestationForm, DefinitionForm, RevokeForm
from .issuing import settle
from .models import Attestation, LearningAccount, Outcome, OutcomeDefinition

bp = Blueprint("credits", __name__, template_folder="templates")
bp.before_request(check_csrf)


def _recent_outcomes(staff, limit: int = 50):
    """The newest outcomes of learners at points in scope, with account and definition."""
    rows = db.session.execute(
        select(Outcome, LearningAccount, OutcomeDefinition)
        .join(LearningAccount, LearningAccount.id == Outcome.account_id)
        .join(OutcomeDefinition, OutcomeDefinition.id == Outcome.definition_id)
        .order_by(Outcome.id.desc())
        .limit(limit * 4)
    ).all()
    found = []
    for outcome, account, definition in rows:
        try:
            attestations.learner_point(staff, account.learner)
        except LearnerOutOfScope:
            continue
        found.append((outcome, account, definition))
    return found[:limit]


def _page(status: int = 200, errors=(), done: str | None = None):
    staff = current_staff()
    return render_page(
        "credits/page.html",
        status,
        definitions=defs.active_definitions() if staff.role == "admin" else [],
        all_definitions=db.session.scalars(
            select(OutcomeDefinition).order_by(OutcomeDefinition.id)
        ).all(),
        waiting=attestations.waiting(staff) if staff.role == "admin" else [],
        outcomes=_recent_outcomes(staff) if staff.role == "admin" else [],
        errors=list(errors),
        done=done,
        form=request.form,
    )


@bp.get("/staff/credits")
@staff_required()
def page():
    if current_staff().role == "admin":
        defs.ensure_defaults()
        db.session.commit()
    return _page(done=request.args.get("done"))


def _definition(ident) -> OutcomeDefinition:
    found = db.session.get(OutcomeDefinition, ident)
    if found is None:
        raise NotFound()
    return found


def _edit_page(found: OutcomeDefinition, status: int = 200, errors=(), form=None):
    crosswalk = "\n".join(f"{c['bank']}, {c['code']}, {c['ratio']:g}" for c in found.crosswalk)
    return render_page(
        "credits/definition.html",
        status,
        d=found,
        errors=list(errors),
        form=form,
        crosswalk=crosswalk,
    )


@bp.get("/staff/credits/definitions/<int:ident>")
@staff_required("admin")
def definition(ident: int):
    return _edit_page(_definition(ident))


@bp.post("/staff/credits/definitions/<int:ident>")
@staff_required("admin")
def definition_save(ident: int):
    found = _definition(ident)
    schema = DefinitionForm()
    data, errors = load_form(schema, request.form)
    if errors:
        return _edit_page(found, 400, errors, request.form)
    defs.update(found, schema.model_values(data))
    record("credit-definition", found.pack_id, {"definition": found.id}, commit=False)
    db.session.commit()
    return redirect(url_for("credits.page", done="saved"), 303)


@bp.post("/staff/credits/attestations")
@staff_required()
def attest():
    staff = current_staff()
    data, errors = load_form(AttestationForm(), request.form)
    found = db.session.get(OutcomeDefinition, data["definition"]) if not errors else None
    if not errors and found is None:
        errors = ["cr.err.definition"]
    if errors:
        return _page(400, errors)
    try:
        row = attestations.attest(staff, data["learner"].lower(), found, data["reason"])
    except LearnerOutOfScope as error:
        db.session.rollback()
        return _page(404, [f"err.{error.code}"])
    point = db.session.get(LearningPoint, row.point_id)
    record("credit-attest", data["learner"], {"definition": found.id}, area=point, commit=False)
    db.session.commit()
    return redirect(url_for("credits.page", done="attested"), 303)


@bp.post("/staff/credits/attestations/<int:ident>/<any(approve, decline):choice>")
@staff_required("admin")
def decide(ident: int, choice: str):
    staff = current_staff()
    row = db.session.scalar(attestations.in_scope(staff).where(Attestation.id == ident))
    if row is None:
        raise NotFound()
    try:
        attestations.decide(staff, row, choice == "approve")
    except AttestationDecided as error:
        return _page(409, [f"err.{error.code}"])
    point = db.session.get(LearningPoint, row.point_id)
    details = {"outcome": row.outcome_id}
    record(f"credit-{choice}", f"attestation {row.id}", details, area=point, commit=False)
    db.session.commit()
    return redirect(url_for("credits.page", done=choice), 303)


@bp.post("/staff/credits/outcomes/<int:ident>/revoke")
@staff_required("admin")
def revoke(ident: int):
    staff = current_staff()
    outcome = db.session.get(Outcome, ident)
    account = db.session.get(LearningAccount, outcome.account_id) if outcome else None
    try:
        point = attestations.learner_point(staff, account.learner) if account else None
    except LearnerOutOfScope:
        point = None
    if point is None:
        raise NotFound()
    data, errors = load_form(RevokeForm(), request.form)
    if errors:
        return _page(400, errors)
    try:
        attestations.check_revocable(outcome)
    except OutcomeNotCertified as error:
        return _page(409, [f"err.{error.code}"])
    revoke_outcome(outcome, data["reason"])
    details = {"reason": data["reason"]}
    record("credit-revoke", f"outcome {outcome.id}", details, area=point, commit=False)
    db.session.commit()
    # Set its status bit now, so every phone's next sync carries the revocation (the
    # holder's feed or the nightly job would otherwise be the first to).
    settle([account.id])
    return redirect(url_for("credits.page", done="revoked"), 303)
