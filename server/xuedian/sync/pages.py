"""The county's volunteer page: upload many ``.xdsync`` sync bundles at once, no JavaScript.

Bundles are signed by each phone's own key, so the page needs no login to be safe: a file
that is forged, damaged or from a revoked phone is refused and changes nothing. The answer
is the county's own receipt per file (records new, already stored, refused), which is a
county acknowledgement, unlike a kiosk's custody receipt. Staff accounts, which will record
who uploaded, come with the administration pages.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..relay.text import reason_zh, size_text
from .uploads import import_uploads

bp = Blueprint("volunteer", __name__, template_folder="templates")

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PATH = "/volunteer/bundles"


def _html(template: str, status: int = 200, **context) -> Response:
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(PATH)
def form():
    settings = current_app.config["XUEDIAN"]
    return _html("volunteer/upload.html", limit=size_text(settings.max_upload_bytes))


@bp.post(PATH)
def upload():
    settings = current_app.config["XUEDIAN"]
    request.max_content_length = settings.max_upload_bytes
    files = [f for f in request.files.getlist("bundles") if f.filename]
    answers = import_uploads(files)
    for item in answers:
        item["reason_zh"] = None if item.get("ok", True) else reason_zh(item["code"])
    return _html("volunteer/receipt.html", 200 if files else 400, answers=answers)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = size_text(current_app.config["XUEDIAN"].max_upload_bytes)
    return _html("volunteer/receipt.html", 413, answers=[], too_large=limit)
