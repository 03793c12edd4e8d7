"""The administrators' page of scheduled job runs (``/staff/jobs``, endpoint ``jobs.runs``).

Each run's summary shows only what the signed-in administrator's area holds
(:func:`.scoped.visible`); times are the county's (the ``local_time`` filter).
"""

from __future__ import annotations

import json

from flask import Blueprint

from ..core.htmlpage import render_page
from ..core.timeutil import iso
from ..extensions import db
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.models import Area
from ..org.scope import areas_in_scope
from . import load_jobs
from .runs import recent_runs
from .scoped import visible

bp = Blueprint(
    "jobs",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/jobs-static",
)
bp.before_request(check_csrf)


def _summary(run, summary: dict) -> str:
    if run.error:
        return run.error
    if not summary:
        return ""

    def text(value) -> str:
        if isinstance(value, int | float | str):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    return ", ".join(f"{key}: {text(value)}" for key, value in summary.items())


def _scope(staff) -> tuple[set[str], bool]:
    """The ids (as text) of the areas the administrator holds, and whether they hold a
    whole top-level area (then phones at no learning point are theirs to see too)."""
    areas = {str(i) for i in db.session.scalars(areas_in_scope(staff))}
    own = db.session.get(Area, staff.area_id) if staff.area_id is not None else None
    return areas, own is not None and own.parent_id is None


@bp.get("/staff/jobs")
@staff_required("admin")
def runs():
    jobs = load_jobs()
    registered = sorted(jobs.values(), key=lambda j: j.name)
    areas, unassigned = _scope(current_staff())

    def summary(r) -> dict:
        shared = jobs[r.job].shared if r.job in jobs else ()
        return visible(r.summary, shared, areas, unassigned)

    rows = [
        {
            "job": r.job,
            "due": r.scheduled_for,
            "due_iso": iso(r.scheduled_for),
            "finished": r.finished_at,
            "finished_iso": iso(r.finished_at) if r.finished_at else "",
            "status": r.status,
            "summary": _summary(r, summary(r)),
            "runner": r.runner,
            "trigger": r.trigger,
        }
        for r in recent_runs(100)
    ]
    return render_page("jobs/runs.html", registered=registered, runs=rows)
