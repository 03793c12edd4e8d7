"""The administrators' audit page (``/staff/audit``, endpoint ``audit.page``): the newest
events filed under their area and below (service.visible_to), optionally of one action."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from ..core.timeutil import iso, local_text
from ..org.auth import check_csrf, csrf_token, current_staff, staff_required
from ..org.text import current_lang
from .service import ACTIONS, recent
from .text import translator

bp = Blueprint("audit", __name__, template_folder="templates")
bp.before_request(check_csrf)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


@bp.get("/staff/audit")
@staff_required("admin")
def page():
    lang = current_lang()
    action = request.args.get("action")
    action = action if action in ACTIONS else None
    rows = [
        {
            "at": iso(e.at),
            "when": local_text(e.at),
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True)
            if e.details
            else "",
            "address": e.address,
        }
        for e in recent(current_staff(), action)
    ]
    body = render_template(
        "audit/page.html",
        t=translator(lang),
        csrf=csrf_token,
        actions=ACTIONS,
        chosen=action,
        rows=rows,
    )
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response
