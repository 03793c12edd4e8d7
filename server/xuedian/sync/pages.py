"""The county's volunteer page: upload many ``.xdsync`` sync bundles at once, no JavaScript.

Bundles are signed by each phone's own key, so the page needs no login to be safe: a file
that is forged, damaged or from a revoked phone is refused and changes nothing. The answer
is the county's own receipt per file (records new, already stored, refused), which is a
county acknowledgement, unlike a kiosk's custody receipt. Staff accounts, which will record
who uploaded, come with the administration pages.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..core.htmlpage import PLAIN_CSP, render_page
from ..core.words import size_text
from .uploads import import_uploads, receipt_rows, receipt_summary

bp = Blueprint("volunteer", __name__, template_folder="templates")

PATH = "/volunteer/bundles"


def _html(template: str, status: int = 200, **context):
    """A bilingual page of its own (no staff layout: the page needs no sign-in)."""
    context.update(brand="volunteer_brand", home_url=url_for("volunteer.form"))
    return render_page(template, status, csp=PLAIN_CSP, bilingual=True, **context)


def _receipt(status: int, rows: list[dict], warning=None):
    return _html(
        "page/receipt.html",
        status,
        layout="page/plain.html",
        title="result_title",
        rows=rows,
        summary=receipt_summary(rows),
        summary_testid="imported",
        notes=["result_note"],
        warning=warning,
        back="upload_more",
        back_url=url_for("volunteer.form"),
    )


@bp.get(PATH)
def form():
    settings = current_app.config["XUEDIAN"]
    return _html("volunteer/upload.html", limit=size_text(settings.max_upload_bytes))


@bp.post(PATH)
def upload():
    settings = current_app.config["XUEDIAN"]
    request.max_content_length = settings.max_upload_bytes
    files = [f for f in request.files.getlist("bundles") if f.filename]
    rows = receipt_rows(import_uploads(files), times=True)
    return _receipt(200 if files else 400, rows)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = size_text(current_app.config["XUEDIAN"].max_upload_bytes)
    return _receipt(413, [], ("too-large", "too_large_body", {"limit": limit}))
