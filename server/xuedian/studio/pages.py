"""The studio's staff pages (``/staff/studio``, blueprint ``studio``): the list of drafts in
scope, the administrators' forms that register a publishing institution and an author
account scoped to it, and the form that starts a draft. The draft, lesson and review pages
are in ``draftpages.py`` on the same blueprint.

Who sees what is org/scope.py's: an author sees only their institution's drafts, an
administrator those of the institutions registered in their areas (:func:`drafts_in_scope`);
any other draft answers 404 through ``get_in_scope``.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from sqlalchemy import Select, select

from ..audit.service import record
from ..core.forms import FormRefused, read_form
from ..core.htmlpage import render_page
from ..core.words import translate
from ..extensions import db
from ..org import scope
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import PUBLISHER_KINDS, Area, Publisher, Staff
from ..org.scope import get_in_scope
from ..org.service import OrgError, create_publisher, create_staff
from ..packs.schemas import CATEGORIES
from ..packs.source import PackSourceInvalid
from .forms import HERITAGE_LEVELS, AuthorForm, NewPackForm, PublisherForm, pack_yaml
from .models import Draft
from .service import StudioError, create_draft

bp = Blueprint(
    "studio",
    __name__,
    url_prefix="/staff/studio",
    template_folder="templates",
    static_folder="static",
    static_url_path="/studio-static",
)
bp.before_request(check_csrf)


def drafts_in_scope(staff: Staff) -> Select:
    """``SELECT studio_draft.id`` of the drafts of the institutions ``staff`` may see."""
    return select(Draft.id).where(Draft.publisher_id.in_(scope.publishers_in_scope(staff)))


def refusal_text(exc: Exception) -> str:
    """A refusal in the page's language: a form's or the studio's word key, org's own
    words, or (a pack source problem) the file and field it names."""
    if isinstance(exc, PackSourceInvalid):
        return translate("studio.err_source", problem=exc.message)
    key = getattr(exc, "key", "") if isinstance(exc, FormRefused | StudioError | OrgError) else ""
    for name in (key, f"studio.err_{key}", f"err_{key}"):
        if name and translate(name) != name:
            return translate(name, **getattr(exc, "values", {}))
    return getattr(exc, "message", None) or str(exc)


def read(schema) -> dict:
    """The posted form loaded by ``schema`` (core/forms.py), or :class:`FormRefused`."""
    return read_form(schema, request.form)


def scoped_publishers(staff: Staff) -> list[Publisher]:
    query = select(Publisher).where(Publisher.id.in_(scope.publishers_in_scope(staff)))
    return list(db.session.scalars(query.order_by(Publisher.code)))


def _home(status: int = 200, errors: dict | None = None):
    staff = current_staff()
    publishers = scoped_publishers(staff)
    names = {p.id: p for p in publishers}
    query = select(Draft).where(Draft.id.in_(drafts_in_scope(staff)))
    drafts = [(d, names.get(d.publisher_id)) for d in db.session.scalars(query.order_by(Draft.id))]
    areas = []
    if staff.role == "admin":
        query = select(Area).where(Area.id.in_(scope.areas_in_scope(staff)))
        areas = list(db.session.scalars(query.order_by(Area.path)))
    done = request.args.get("done") if request.method == "GET" else None
    return render_page(
        "studio/home.html",
        status,
        drafts=drafts,
        publishers=publishers,
        areas=areas,
        categories=CATEGORIES,
        levels=HERITAGE_LEVELS,
        kinds=PUBLISHER_KINDS,
        errors=errors or {},
        form=request.form if status != 200 else {},
        done=done if done in ("publisher", "author") else None,
    )


@bp.get("/")
@staff_required("admin", "author")
def home():
    return _home()


@bp.post("/publishers")
@staff_required("admin")
def add_publisher():
    """Register a publishing institution in an area in scope."""
    try:
        form = read(PublisherForm())
        area = get_in_scope(Area, form["area_id"])
        publisher = create_publisher(
            form["code"], form["name"], form["name_en"], form["kind"], area
        )
        record("publisher-add", publisher.code, {"kind": publisher.kind}, area=area, commit=False)
    except (OrgError, FormRefused) as exc:
        db.session.rollback()
        return _home(400, {"publisher": refusal_text(exc)})
    db.session.commit()
    return redirect(url_for("studio.home", done="publisher"), 303)


@bp.post("/authors")
@staff_required("admin")
def add_author():
    """Add an author account scoped to an institution in scope."""
    try:
        form = read(AuthorForm())
        publisher = get_in_scope(Publisher, form["publisher_id"])
        account = create_staff(
            form["username"], form["password"], "author", publisher_code=publisher.code
        )
        record("account-add", account.username, {"role": "author"}, area=publisher, commit=False)
    except (OrgError, FormRefused) as exc:
        db.session.rollback()
        return _home(400, {"author": refusal_text(exc)})
    db.session.commit()
    return redirect(url_for("studio.home", done="author"), 303)


@bp.post("/drafts")
@staff_required("admin", "author")
def add_draft():
    """Start a draft of the author's institution (an administrator chooses one in scope)."""
    staff = current_staff()
    try:
        form = read(NewPackForm())
        if staff.role == "author":
            publisher = get_in_scope(Publisher, staff.publisher_id)
        else:
            if form.get("publisher_id") is None:
                raise FormRefused("err_choose")
            publisher = get_in_scope(Publisher, form["publisher_id"])
        draft = create_draft(publisher, pack_yaml(form))
    except (StudioError, FormRefused) as exc:
        db.session.rollback()
        return _home(400, {"draft": refusal_text(exc)})
    return redirect(url_for("studio.draft", draft_id=draft.id), 303)


from . import draftpages, publishpages, uploadpages  # noqa: E402,F401  (their views join this blueprint)
