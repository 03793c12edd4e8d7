"""The administrators' audit page (``/staff/audit``, endpoint ``audit.page``): the newest
events filed under their area and below (service.visible_to), optionally of one action."""

from __future__ import annotations

import json

from flask import Blueprint, request

from ..core.htmlpage import render_page
from ..core.timeutil import iso, local_text
from ..org.auth import check_csrf, current_staff, staff_required
from .service import ACTIONS, recent

bp = Blueprint("audit", __name__, template_folder="templates")
bp.before_request(check_csrf)


@bp.get("/staff/audit")
@staff_required("admin")
def page():
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
    return render_page("audit/page.html", actions=ACTIONS, chosen=action, rows=rows)
