"""One draft's pages on the studio blueprint: its details, its lessons (a Markdown editor
with a preview rendered by the phone's own renderer, packs/render.py, and a quiz of 2 to 6
choices a question), reordering, the reviewers' comments and the review buttons.

Every view looks the draft up with ``get_in_scope(Draft, …, within=drafts_in_scope)``: a
draft of another institution answers 404 whatever the action. Which role may move a draft
where is service.TRANSITIONS'.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for

from ..core.forms import FormRefused
from ..core.htmlpage import render_page
from ..errors import XuedianError
from ..extensions import db
from ..org.auth import current_staff, staff_required, upload_page
from ..org.models import Publisher
from ..org.scope import get_in_scope
from ..packs.schemas import CATEGORIES, CHOICES, LESSON_ID, MAX_QUIZ_QUESTIONS
from . import publishing, service
from .forms import HERITAGE_LEVELS, LessonForm, PackForm, pack_yaml, quiz_from_form
from .models import Draft
from .pages import bp, drafts_in_scope, read, refusal_text
from .publishpages import preview as preview_html
from .publishpages import publish_view

#: The review buttons a role sees in a state: (target state, word key, with comments).
ACTIONS = {
    ("draft", "author"): (("submitted", "studio.submit", False),),
    ("draft", "admin"): (("submitted", "studio.submit", False),),
    ("submitted", "admin"): (
        ("approved", "studio.approve", False),
        ("draft", "studio.send_back", True),
    ),
    ("approved", "admin"): (("published", "studio.publish", False),),
}


def _draft(draft_id) -> Draft:
    return get_in_scope(Draft, draft_id, within=drafts_in_scope)


def _lesson_id(lesson_id: str) -> str:
    if not LESSON_ID.match(lesson_id):
        abort(404)
    return lesson_id


def _draft_page(draft: Draft, status: int = 200, errors: dict | None = None):
    staff = current_staff()
    notes = {}
    for comment in service.comments(draft):
        notes.setdefault(comment.lesson_id, []).append(comment)
    done = request.args.get("done") if request.method == "GET" else None
    publish = publish_view(draft)
    actions = ACTIONS.get((draft.state, staff.role), ())
    if publish and publish["state"] == "running":
        actions = ()  # one publish at a time
    return render_page(
        "studio/draft.html",
        status,
        draft=draft,
        publisher=db.session.get(Publisher, draft.publisher_id),
        pack=service.pack_fields(draft),
        lessons=service.lessons(draft),
        notes=notes,
        actions=actions,
        publish=publish,
        media=service.media_files(draft),
        editable=draft.state in service.EDITABLE,
        categories=CATEGORIES,
        levels=HERITAGE_LEVELS,
        errors=errors or {},
        form=request.form if status != 200 else {},
        done=done,
    )


@bp.get("/drafts/<int:draft_id>")
@staff_required("admin", "author")
def draft(draft_id: int):
    return _draft_page(_draft(draft_id))


@bp.post("/drafts/<int:draft_id>/pack")
@staff_required("admin", "author")
def save_pack(draft_id: int):
    found = _draft(draft_id)
    try:
        service.update_pack(found, pack_yaml(read(PackForm())))
    except (service.StudioError, FormRefused) as exc:
        db.session.rollback()
        return _draft_page(found, 400, {"pack": refusal_text(exc)})
    return redirect(url_for("studio.draft", draft_id=found.id, done="pack"), 303)


#: The lesson editor records narration: the one staff page that may use the microphone
#: (every other response says ``microphone=()``, web/routes.py).
LESSON_PERMISSIONS = "camera=(self), microphone=(self), geolocation=()"


def _lesson_page(found: Draft, lesson: dict | None, status=200, errors=(), preview=None):
    response = render_page(
        "studio/lesson.html",
        status,
        draft=found,
        lesson=lesson,
        errors=list(errors),
        preview=preview,
        questions=MAX_QUIZ_QUESTIONS,
        choices=CHOICES[1],
        recordings=[m["name"] for m in service.media_files(found) if m["kind"] == "audio"],
        editable=found.state in service.EDITABLE,
    )
    response.headers["Permissions-Policy"] = LESSON_PERMISSIONS
    return response


def _lesson_from_store(found: Draft, lesson_id: str) -> dict:
    for lesson in service.lessons(found):
        if lesson["id"] == lesson_id:
            return lesson
    abort(404)


def _studio_upload(view):
    return upload_page(view, "studio_upload_bytes")


@bp.post("/drafts/<int:draft_id>/media")
@_studio_upload
@staff_required("admin", "author")
def upload_media(draft_id: int):
    """Add a picture or a recorded narration to the draft's ``media/``, streamed to disk
    (``XUEDIAN_STUDIO_UPLOAD_BYTES`` caps the request before it is read)."""
    found = _draft(draft_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise FormRefused("studio.err_media_missing")
        name = service.save_media(found, upload.filename, upload.stream)
    except (service.StudioError, FormRefused) as exc:
        return _draft_page(found, 400, {"media": refusal_text(exc)})
    return redirect(url_for("studio.draft", draft_id=found.id, done="media", name=name), 303)


def _lesson_from_form(lesson_id: str | None) -> dict:
    """What the form holds, in the shape of service.lessons(), to show it again."""
    form = request.form
    return {
        "id": lesson_id,
        "meta": {"title": {"zh-CN": form.get("title_zh", ""), "en": form.get("title_en", "")}},
        "body": form.get("body", ""),
        "body_en": form.get("body_en", ""),
        "form": form,
    }


@bp.get("/drafts/<int:draft_id>/lessons/new")
@staff_required("admin", "author")
def new_lesson(draft_id: int):
    return _lesson_page(_draft(draft_id), None)


@bp.get("/drafts/<int:draft_id>/lessons/<lesson_id>")
@staff_required("admin", "author")
def lesson(draft_id: int, lesson_id: str):
    found = _draft(draft_id)
    return _lesson_page(found, _lesson_from_store(found, _lesson_id(lesson_id)))


@bp.post("/drafts/<int:draft_id>/lessons", defaults={"lesson_id": None})
@bp.post("/drafts/<int:draft_id>/lessons/<lesson_id>")
@staff_required("admin", "author")
def save_lesson(draft_id: int, lesson_id: str | None):
    """Save a lesson, or (``action=preview``) show it as the phone will, unsaved."""
    found = _draft(draft_id)
    if lesson_id is not None:
        _lesson_from_store(found, _lesson_id(lesson_id))
    shown = _lesson_from_form(lesson_id)
    if request.form.get("action") == "preview":
        preview = {
            "zh": preview_html(found, request.form.get("body", "")),
            "en": preview_html(found, request.form.get("body_en", "")),
        }
        return _lesson_page(found, shown, preview=preview)
    try:
        form = read(LessonForm())
        quiz, errors = quiz_from_form(request.form)
        if errors:
            raise FormRefused(errors[0])
        meta = {"title": {"zh-CN": form["title_zh"], "en": form["title_en"]}}
        if quiz:
            meta["quiz"] = quiz
        recordings = {m["name"] for m in service.media_files(found) if m["kind"] == "audio"}
        if form["audio"] in recordings:  # else the build synthesises the narration
            meta["audio"] = form["audio"]
        saved = service.save_lesson(found, lesson_id, meta, form["body"], form["body_en"])
    except (service.StudioError, FormRefused) as exc:
        db.session.rollback()
        return _lesson_page(found, shown, 400, [refusal_text(exc)])
    return redirect(url_for("studio.lesson", draft_id=found.id, lesson_id=saved, done=1), 303)


@bp.post("/drafts/<int:draft_id>/lessons/<lesson_id>/move")
@staff_required("admin", "author")
def move_lesson(draft_id: int, lesson_id: str):
    found = _draft(draft_id)
    step = -1 if request.form.get("step") == "up" else 1
    try:
        service.move_lesson(found, _lesson_id(lesson_id), step)
    except service.StudioError as exc:
        return _draft_page(found, 400, {"lessons": refusal_text(exc)})
    return redirect(url_for("studio.draft", draft_id=found.id, done="moved"), 303)


@bp.post("/drafts/<int:draft_id>/state")
@staff_required("admin", "author")
def change_state(draft_id: int):
    """Submit, send back (with comments per lesson), approve, or start publishing
    (studio/publishing.py; the draft page then shows its progress)."""
    found = _draft(draft_id)
    to = request.form.get("to", "")
    notes = {
        name.removeprefix("note_"): text
        for name, text in request.form.items()
        if name.startswith("note_") and (name == "note_" or LESSON_ID.match(name[5:]))
    }
    if to == "draft" and not any(text.strip() for text in notes.values()):
        return _draft_page(found, 400, {"review": refusal_text(FormRefused("studio.err_note"))})
    try:
        if to == "published":  # builds for up to a minute: in the background, with progress
            publishing.start(found, current_staff())
            return redirect(url_for("studio.draft", draft_id=found.id, _anchor="publishing"), 303)
        service.move(found, to, current_staff(), notes)
    except XuedianError as exc:  # a refused step, a bad source, a build or publish refusal
        db.session.rollback()
        return _draft_page(found, 400, {"review": refusal_text(exc)})
    return redirect(url_for("studio.draft", draft_id=found.id, done=to), 303)
