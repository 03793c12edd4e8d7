"""The staff pages of events (``/staff/events``): staff make events at the learning points
they may see and count who checked in; each event has a printable A5 page with its QR
code (the app's address with the event's signed check-in token, ``/?checkin=<token>``)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, redirect, request, url_for

from ..core.forms import load_form
from ..core.htmlpage import render_page
from ..core.qr import qr_svg
from ..core.timeutil import local
from ..core.words import translate
from ..errors import NotFound
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.enrolment import public_base
from ..org.models import LearningPoint
from ..org.scope import get_in_scope, visible_points
from ..packs.service import current_releases
from . import tokens
from .models import Event
from .service import EventForm, attendance_count, create, events_in_scope, listed

bp = Blueprint("events", __name__, template_folder="templates")
bp.before_request(check_csrf)


def checkin_url(base: str, token: str) -> str:
    """The address an event's QR code carries."""
    return f"{base}/?checkin={quote(token, safe='.')}"


def when(event: Event) -> str:
    """The event's day and time window in the county's time (``2026-12-02 09:00–11:00``)."""
    start, end = local(event.starts_at), local(event.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _page(status: int = 200, errors=(), done: str | None = None):
    staff = current_staff()
    points = visible_points(staff)
    return render_page(
        "events/page.html",
        status,
        events=listed(staff),
        points=points,
        packs=current_releases(),
        errors=list(errors),
        done=done,
        when=when,
        form=request.form,
    )


@bp.get("/staff/events")
@staff_required("admin", "volunteer")
def page():
    return _page(done=request.args.get("done"))


@bp.post("/staff/events")
@staff_required("admin", "volunteer")
def add():
    staff = current_staff()
    data, errors = load_form(EventForm(), request.form)
    if not errors:
        try:
            point = get_in_scope(LearningPoint, data["point"], staff)
        except NotFound:
            errors = ["err.point"]
    if errors:
        return _page(400, errors)
    event = create(data, point, staff)
    db.session.commit()
    return redirect(url_for("events.page", done=event.id), 303)


@bp.get("/staff/events/<int:event_id>/qr")
@staff_required("admin", "volunteer")
def qr(event_id: int):
    """The event's QR code on an A5 page, in large type, ready to print."""
    event = get_in_scope(Event, event_id, current_staff(), within=events_in_scope)
    point = db.session.get(LearningPoint, event.point_id)
    base, guessed = public_base()
    url = checkin_url(base, tokens.sign(event))
    label = translate("ev.qr_label", "zh-CN", title=event.title)
    return render_page(
        "events/qr.html",
        event=event,
        point=point,
        url=url,
        qr=qr_svg(url, label),
        guessed=guessed,
        base=base,
        count=attendance_count(event),
        when=when,
        zh=lambda key, **values: translate(key, "zh-CN", **values),
    )
