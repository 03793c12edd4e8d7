"""The chunked upload endpoints of a draft (studio/uploads.py), on the studio blueprint, for
the staff script static/studio-media.js. They answer JSON, and a refusal is the one error
envelope (docs/errors.md) whose ``details.text`` is the sentence to show, in the page's
language:

- ``POST /staff/studio/drafts/<id>/uploads`` ``{"name": …, "size": …}`` → ``{upload_id,
  offset, size, chunk}``, or 413 ``studio-upload-too-large`` before any byte is sent;
- ``GET …/uploads/<upload id>`` → the same, with the offset reached (to resume);
- ``PUT …/uploads/<upload id>?offset=N`` with the chunk as the body → ``{offset, done}``
  and, when done, ``name`` in the draft's ``media/``; 409 ``studio-upload-offset`` with
  ``details.offset`` when the chunk does not start where the upload stands.
"""

from __future__ import annotations

from flask import jsonify, request

from ..core.words import translate
from ..errors import ValidationFailed, XuedianError
from ..org.auth import current_staff, staff_required, upload_page
from ..org.scope import get_in_scope
from . import uploads
from .models import Draft
from .pages import bp, drafts_in_scope, refusal_text


def _draft(draft_id: int) -> Draft:
    """The draft if in the account's scope, else 404 (as on the draft pages)."""
    return get_in_scope(Draft, draft_id, within=drafts_in_scope)


def _refused(exc: XuedianError):
    body = exc.envelope()
    text = body["details"].get("text") or refusal_text(exc)
    body["details"] = {**body["details"], "text": text}
    return jsonify(body), exc.status


def _answer(run):
    try:
        return jsonify(run())
    except XuedianError as exc:
        return _refused(exc)


def _int(value, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ValidationFailed(
            f"{field} must be a whole number of bytes.", text=translate("studio.err_upload")
        )
    return number


@bp.post("/drafts/<int:draft_id>/uploads")
@staff_required("admin", "author")
def start_upload(draft_id: int):
    found = _draft(draft_id)
    sent = request.get_json(silent=True) or {}

    def run():
        size = _int(sent.get("size"), "size")
        return uploads.start(found, current_staff(), str(sent.get("name", "")), size)

    return _answer(run)


@bp.get("/drafts/<int:draft_id>/uploads/<upload_id>")
@staff_required("admin", "author")
def upload_status(draft_id: int, upload_id: str):
    found = _draft(draft_id)
    return _answer(lambda: uploads.status(found, current_staff(), upload_id))


@bp.put("/drafts/<int:draft_id>/uploads/<upload_id>")
@lambda view: upload_page(view, "studio_upload_bytes")
@staff_required("admin", "author")
def upload_chunk(draft_id: int, upload_id: str):
    """Append one chunk, read from the request stream a piece at a time."""
    found = _draft(draft_id)

    def run():
        offset = _int(request.args.get("offset"), "offset")
        length = _int(request.content_length, "Content-Length")
        return uploads.append(found, current_staff(), upload_id, offset, request.stream, length)

    return _answer(run)
