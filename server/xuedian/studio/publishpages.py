"""A draft's publish progress and its media, on the studio blueprint:

- ``GET /staff/studio/drafts/<id>/publishing`` → the state of its background publish
  (studio/publishing.py) with the sentence to show in the page's language: ``{state,
  stage, percent, text}``; static/studio-publish.js polls it to move the progress bar;
- ``GET /staff/studio/drafts/<id>/media/<name>`` → a picture or recording of the draft's
  ``media/``, for the lesson preview (``media/<name>`` in the Markdown points here there).

Both are scoped like the draft pages: a draft of another institution answers 404.
"""

from __future__ import annotations

from flask import abort, jsonify, send_file, url_for

from ..core.words import translate
from ..org.auth import staff_required
from ..org.scope import get_in_scope
from ..packs.render import render_lesson
from . import publishing, service
from .models import Draft
from .pages import bp, drafts_in_scope

#: A media file is shown, never run: an SVG opened on its own runs no script.
MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def _draft(draft_id: int) -> Draft:
    return get_in_scope(Draft, draft_id, within=drafts_in_scope)


def failure_text(error: dict) -> str:
    """A failed publish's refusal (publishing.describe) in the page's language."""
    key, values = error.get("key", ""), error.get("values", {})
    for name in (key, f"studio.err_{key}", f"err_{key}"):
        if name and translate(name) != name:
            return translate(name, **values)
    return translate("studio.err_publish", message=error.get("message", ""))


def publish_view(draft: Draft) -> dict | None:
    """What the draft page shows of the last publish: None when there is nothing to show
    (none yet, or one that no longer concerns the draft's state)."""
    found = publishing.state(draft)
    kind = found["state"]
    if kind == "running":
        stage = found.get("stage", "queued")
        text = translate(
            f"studio.publish_stage_{stage}", done=found.get("done", 0), total=found.get("total", 1)
        )
    elif kind == "published" and draft.state == "published":
        text = translate("studio.publish_stage_published", version=found.get("version", ""))
    elif kind == "failed" and draft.state == "approved":
        reason = failure_text(found.get("error", {}))
        text = translate("studio.publish_failed", reason=reason)
    else:
        return None
    return {
        "state": kind,
        "stage": found.get("stage", kind),
        "percent": found.get("percent", 0),
        "text": text,
    }


@bp.get("/drafts/<int:draft_id>/publishing")
@staff_required("admin", "author")
def publish_status(draft_id: int):
    found = _draft(draft_id)
    return jsonify(publish_view(found) or {"state": "idle", "percent": 0, "text": ""})


@bp.get("/drafts/<int:draft_id>/media/<name>")
@staff_required("admin", "author")
def draft_media(draft_id: int, name: str):
    found = _draft(draft_id)
    if name not in {m["name"] for m in service.media_files(found)}:
        abort(404)
    response = send_file(service.draft_root(found) / "media" / name, max_age=0)
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def preview(draft: Draft, markdown: str) -> str:
    """``markdown`` rendered by the phone's renderer, its ``media/<name>`` pictures and
    links pointing at :func:`draft_media`."""
    base = url_for("studio.draft_media", draft_id=draft.id, name="x")[:-1]
    return render_lesson(markdown, lambda url: base + url.removeprefix("media/"), prefix=base)
