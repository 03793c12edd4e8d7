"""HTTP of the province tier (API only; the dashboard is pages.py).

- ``GET /api/v1/province/aggregates`` (county): the county's signed aggregates, for a
  province presenting a token the county issued (``Authorization: Bearer``).
- ``POST /api/v1/province/aggregates`` (province): a county pushes its signed aggregates;
  the answer says whether anything changed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..core.http import parse_json, raw_body
from . import PROVINCE
from .document import signed_document
from .errors import NotProvince
from .intake import receive
from .tokens import check

bp = Blueprint("province_api", __name__, url_prefix="/api/v1/province")


@bp.get("/aggregates")
def pull():
    check(request.headers.get("Authorization"))
    envelope, _sent = signed_document("pull")
    return envelope


@bp.post("/aggregates")
def push():
    if current_app.config["XUEDIAN"].role != PROVINCE:
        raise NotProvince()
    county, changed = receive(parse_json(raw_body()), "push")
    return {"ok": True, "county": county.name, "changed": changed}
