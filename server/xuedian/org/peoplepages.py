"""Administrators' staff page (``/staff/people``): the accounts of lower rank in their scope
(administrators of areas strictly under theirs, volunteers of points in scope), adding a
volunteer or an administrator of such an area, deactivating and activating, and resetting
a password; and every account's own page to change its password (``/staff/password``).

A password left empty is made here and shown once, on the answer to that POST only (the
page is ``no-store``). An account or target outside scope, a fellow administrator of the
same area and one's own account included, answers 404. Every change is audited.
"""

from __future__ import annotations

import math
import secrets

from flask import redirect, request, session, url_for
from marshmallow import fields, validate
from sqlalchemy import select

from ..audit.service import record
from ..core.forms import FormId, FormSchema, word_errors
from ..core.htmlpage import render_page
from ..core.words import translate
from ..extensions import db
from . import auth, scope
from .models import Area, LearningPoint, Publisher, Staff
from .orgpages import FormError, error_text, read_form, scoped_points
from .routes import bp, password_failed, password_wait
from .scope import get_in_scope
from .service import (
    MIN_PASSWORD,
    OrgError,
    check_password,
    create_staff,
    set_active,
    set_password,
)

#: Letters and digits that cannot be mistaken for one another when read aloud or copied.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GENERATED_LENGTH = 12


class AccountForm(FormSchema):
    """A new account: a volunteer of a point, or an administrator of an area below."""

    role = fields.String(
        required=True,
        validate=validate.OneOf(("admin", "volunteer")),
        error_messages=word_errors("err_role"),
    )
    username = fields.String(load_default="")
    password = fields.String(load_default="")
    point_id = FormId(load_default=None, error_messages=word_errors("err_choose"))
    area_id = FormId(load_default=None, error_messages=word_errors("err_choose"))


class ActiveForm(FormSchema):
    active = fields.String(
        required=True, validate=validate.OneOf(("0", "1")), error_messages=word_errors("err_choose")
    )


class ResetForm(FormSchema):
    """An administrator's reset: the password typed, or ``generate=1`` to make one."""

    password = fields.String(load_default="")
    generate = fields.Boolean(load_default=False, truthy={"1"}, falsy=set())


class OwnPasswordForm(FormSchema):
    current = fields.String(load_default="")
    password = fields.String(load_default="")


def generate_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))


def _accounts() -> list[tuple[Staff, object]]:
    """Every account in scope with what it is scoped to (an Area, a LearningPoint or, for
    an author, a Publisher)."""
    query = select(Staff).where(Staff.id.in_(scope.staff_in_scope(auth.current_staff())))
    rows = []
    for account in db.session.scalars(query.order_by(Staff.role, Staff.username)):
        if account.role == "admin":
            target = db.session.get(Area, account.area_id) if account.area_id else None
        elif account.role == "author":
            found = account.publisher_id
            target = db.session.get(Publisher, found) if found else None
        else:
            target = db.session.get(LearningPoint, account.point_id) if account.point_id else None
        rows.append((account, target))
    return rows


def _areas_below() -> list[Area]:
    """The areas a new administrator may be given: strictly under the signed-in one's."""
    query = select(Area).where(Area.id.in_(scope.areas_below(auth.current_staff())))
    return list(db.session.scalars(query.order_by(Area.path)))


def _page(status: int = 200, errors: dict | None = None, shown: dict | None = None):
    done = request.args.get("done") if request.method == "GET" else None
    return render_page(
        "staff/people.html",
        status,
        accounts=_accounts(),
        areas=_areas_below(),
        points=scoped_points(),
        errors=errors or {},
        form=request.form if request.method == "POST" and status != 200 else {},
        shown=shown,
        done=done if done in ("added", "active", "password") else None,
        done_text=translate(f"done_{done}") if done in ("added", "active", "password") else "",
        min_password=MIN_PASSWORD,
    )


@bp.get("/people")
@auth.staff_required("admin")
def people():
    return _page()


@bp.post("/people")
@auth.staff_required("admin")
def people_add():
    """Add a volunteer of a point in scope or an administrator of an area in scope."""
    role = request.form.get("role", "")  # which form answers, before the form is read
    try:
        form = read_form(AccountForm())
        password = form["password"] or generate_password()
        generated = not form["password"]
        if role == "volunteer":
            if form["point_id"] is None:
                raise FormError("err_choose")
            point = get_in_scope(LearningPoint, form["point_id"])
            account = create_staff(form["username"], password, role, point_code=point.code)
        else:
            if form["area_id"] is None:
                raise FormError("err_choose")
            area = get_in_scope(Area, form["area_id"], within=scope.areas_below)
            account = create_staff(form["username"], password, role, area_code=area.code)
    except (OrgError, FormError) as exc:
        db.session.rollback()
        return _page(
            400, {role if role in ("admin", "volunteer") else "volunteer": error_text(exc)}
        )
    record("account-add", account.username, {"role": role}, area=account)
    if generated:
        return _page(shown={"username": account.username, "password": password})
    return redirect(url_for("staff.people", done="added"), 303)


@bp.post("/people/<int:staff_id>/active")
@auth.staff_required("admin")
def people_set_active(staff_id: int):
    """``active=0`` deactivates (signed out at its next request), ``active=1`` activates."""
    account = get_in_scope(Staff, staff_id)
    try:
        value = read_form(ActiveForm())["active"]
    except FormError as exc:
        return _page(400, {f"staff-{account.id}": error_text(exc)})
    if value == "0" and account.id == auth.current_staff().id:
        return _page(400, {f"staff-{account.id}": error_text(FormError("err_self"))})
    set_active(account.username, value == "1")
    record("account-active", account.username, {"active": value == "1"}, area=account)
    return redirect(url_for("staff.people", done="active"), 303)


@bp.post("/people/<int:staff_id>/password")
@auth.staff_required("admin")
def people_password(staff_id: int):
    """Set the password typed by the administrator, or (``generate=1``) make one and show it."""
    account = get_in_scope(Staff, staff_id)
    form = read_form(ResetForm())
    generated = form["generate"]
    password = generate_password() if generated else form["password"]
    try:
        check_password(password)
        set_password(account.username, password)
    except OrgError as exc:
        db.session.rollback()
        return _page(400, {f"staff-{account.id}": error_text(exc)})
    record("account-password", account.username, {"generated": generated}, area=account)
    if generated:
        return _page(shown={"username": account.username, "password": password})
    return redirect(url_for("staff.people", done="password"), 303)


def _own_page(status: int = 200, error: str = ""):
    return render_page("staff/password.html", status, error=error, min_password=MIN_PASSWORD)


@bp.get("/password")
@auth.staff_required()
def my_password():
    return _own_page()


@bp.post("/password")
@auth.staff_required()
def my_password_change():
    """Change one's own password: the current one is asked for (a borrowed, signed-in
    browser is not enough). Every other session of the account ends; this one goes on."""
    staff = auth.current_staff()
    # A borrowed session must not become a way to guess the password: the sign-in counts.
    wait = password_wait(staff.username)
    if wait:
        response = _own_page(429, translate("login_locked", minutes=math.ceil(wait / 60)))
        response.headers["Retry-After"] = str(wait)
        return response
    form = read_form(OwnPasswordForm())
    if not auth.verify_password(staff, form["current"]):
        password_failed(staff.username)
        return _own_page(400, translate("err_current_password"))
    try:
        set_password(staff.username, form["password"])
    except OrgError as exc:
        db.session.rollback()
        return _own_page(400, error_text(exc))
    record("own-password", staff.username, commit=False)
    db.session.commit()
    session.update(auth.session_fields(staff, since=session.get("since")))
    return redirect(url_for("staff.my_password", done="password"), 303)
