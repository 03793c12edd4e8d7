"""The LRS page for county administrators (``/staff/lrs``, endpoint ``lrs_pages.page``):
the clients third-party content signs in with (add, list, revoke) and the third-party
activity table. The same work as ``xuedian lrs client add|list|revoke`` and ``xuedian lrs
activity`` (cli.py), through the same service (auth.py, report.py).

A new client's secret is shown once, on the answer to the POST that made it (the page is
``no-store``); only its sha256 is kept. Clients serve the whole county, so the page is for
the administrators of the county's root area (``org.scope.is_county_admin``); others get
403. Every change is audited.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from marshmallow import ValidationError, fields, validate

from ..audit.service import record
from ..core.forms import FormRefused, FormSchema, read_form, word_errors
from ..core.htmlpage import render_page
from ..core.namedsecrets import MAX_NAME
from ..core.wirefields import storable
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.scope import is_county_admin
from . import auth
from .models import LrsClient
from .report import third_party_activity

bp = Blueprint("lrs_pages", __name__, template_folder="templates")
bp.before_request(check_csrf)

#: What a redirect after a change says (``?done=``).
DONE = ("revoked",)


def _storable(name: str) -> None:
    if not storable(name):
        raise ValidationError("lrs.err.name")


class ClientForm(FormSchema):
    """A new client: its name, as the administrator will recognise it in the list."""

    STRIP = ("name",)
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_NAME, error="lrs.err.name"), _storable],
        error_messages=word_errors("lrs.err.name"),
    )


def _county_admin() -> None:
    if not is_county_admin(current_staff()):
        abort(403)


def _page(status: int = 200, error: str | None = None, made=None, secret: str | None = None):
    done = request.args.get("done") if request.method == "GET" else None
    return render_page(
        "lrs/page.html",
        status,
        clients=auth.clients(),
        activity=third_party_activity(),
        endpoint=request.host_url.rstrip("/") + "/xapi/",
        error=error,
        form=request.form if error else {},
        made=made,
        secret=secret,
        done=done if done in DONE else None,
        max_name=MAX_NAME,
    )


@bp.get("/staff/lrs")
@staff_required("admin")
def page():
    _county_admin()
    return _page()


@bp.post("/staff/lrs/clients")
@staff_required("admin")
def add():
    """Make a client and show its key and secret, this once."""
    _county_admin()
    try:
        name = read_form(ClientForm(), request.form)["name"]
        made, secret = auth.add_client(name)
    except FormRefused as refused:
        return _page(400, refused.key)
    except ValueError:
        db.session.rollback()
        return _page(400, "lrs.err.exists")
    record("lrs-client-add", made.name, {"key": made.key})
    return _page(made=made, secret=secret)


@bp.post("/staff/lrs/clients/<int:client_id>/revoke")
@staff_required("admin")
def revoke(client_id: int):
    """End a client's access at once: its next request gets 401."""
    _county_admin()
    client = db.session.get(LrsClient, client_id)
    if client is None:
        abort(404)
    auth.revoke_client(client.name)
    record("lrs-client-revoke", client.name, {"key": client.key})
    return redirect(url_for("lrs_pages.page", done="revoked"), 303)
