"""The staff pages of learning accounts (``/staff/accounts``): find a learner by the short
number on their card, print the learner card at the learning point, and, where the county
requires the real-name level (``XUEDIAN_REAL_NAME``), mark an account verified against an
ID card. Volunteers see the phones of their point, administrators those of their areas
(org/scope.py); every verification is in the audit log."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, redirect, request, url_for
from sqlalchemy import select

from ..core.forms import load_form
from ..core.htmlpage import render_page
from ..core.qr import qr_data_uri
from ..extensions import db
from ..learners.models import LearnerProfile
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.scope import devices_in_scope, get_in_scope
from ..sync.models import LearnerOwner
from . import accounts, realname, transcripts
from .card import card_text, short_number
from .errors import RealNameOff
from .forms import RealNameForm
from .models import LearningAccount

bp = Blueprint(
    "credit_account_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/staff/accounts/static",
)
bp.before_request(check_csrf)

#: A search lists at most this many learners.
MAX_FOUND = 20


def accounts_in_scope(staff):
    """``SELECT credit_account.id`` of the accounts whose phone ``staff`` may see."""
    return (
        select(LearningAccount.id)
        .join(LearnerOwner, LearnerOwner.learner == LearningAccount.learner)
        .where(LearnerOwner.device_id.in_(devices_in_scope(staff)))
    )


def _find(staff, number: str) -> list[LearningAccount]:
    """The accounts (made when missing) of learners in scope whose card number is
    ``number``: short numbers are computed, so a learner without an account is found."""
    learners = db.session.scalars(
        select(LearnerOwner.learner).where(LearnerOwner.device_id.in_(devices_in_scope(staff)))
    )
    found = [x for x in learners if short_number(x) == number][:MAX_FOUND]
    rows = [accounts.account_of(x) for x in found]
    db.session.commit()
    return rows


@bp.get("/staff/accounts")
@staff_required("admin", "volunteer")
def search():
    number = "".join(ch for ch in request.args.get("n", "") if ch.isdigit())
    found = _find(current_staff(), number) if len(number) == 8 else []
    return render_page(
        "credits/accounts.html", 200, number=number, found=found, searched="n" in request.args
    )


def _card(account: LearningAccount, status: int = 200, errors=(), form=None):
    if account.short_number is None:  # an account older than the card
        account.short_number = short_number(account.learner)
        db.session.commit()
    return render_page(
        "credits/card.html",
        status,
        account=account,
        profile=db.session.get(LearnerProfile, account.learner),
        qr=qr_data_uri(card_text(account.learner)),
        real_name_on=bool(current_app.config["XUEDIAN"].real_name),
        errors=list(errors),
        form=form or {},
        done=request.args.get("done"),
    )


@bp.get("/staff/accounts/<int:ident>")
@staff_required("admin", "volunteer")
def card(ident: int):
    return _card(get_in_scope(LearningAccount, ident, within=accounts_in_scope))


@bp.post("/staff/accounts/<int:ident>/real-name")
@staff_required("admin", "volunteer")
def verify(ident: int):
    account = get_in_scope(LearningAccount, ident, within=accounts_in_scope)
    if not current_app.config["XUEDIAN"].real_name:
        raise RealNameOff()
    form = {k: v for k, v in request.form.items() if k != "id_number"}
    data, errors = load_form(RealNameForm(), request.form)
    problem = None if errors else realname.id_number_problem(data["id_number"])
    if errors or problem:
        return _card(account, 400, errors or [problem], form)
    realname.verify(account, data["name"], data["id_number"], current_staff())
    return redirect(url_for(".card", ident=account.id, done="verified"), 303)


@bp.post("/staff/accounts/<int:ident>/real-name/clear")
@staff_required("admin")
def clear(ident: int):
    account = get_in_scope(LearningAccount, ident, within=accounts_in_scope)
    realname.clear(account, current_staff())
    return redirect(url_for(".card", ident=account.id, done="cleared"), 303)


@bp.post("/staff/accounts/<int:ident>/transcript")
@staff_required("admin", "volunteer")
def transcript(ident: int):
    """The learner's signed CLR transcript, as a file to hand over or send on."""
    account = get_in_scope(LearningAccount, ident, within=accounts_in_scope)
    made = transcripts.transcript(account)
    name = f"xuedian-clr-{account.short_number or account.id}.json"
    return Response(
        json.dumps(made, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
