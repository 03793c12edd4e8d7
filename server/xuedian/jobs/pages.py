"""The administrators' page of scheduled job runs (``/staff/jobs``, endpoint ``jobs.runs``)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template

from ..core.timeutil import iso
from ..org.auth import check_csrf, csrf_token, staff_required
from . import load_jobs
from .pagetext import page_lang, translator
from .runs import recent_runs

bp = Blueprint(
    "jobs",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/jobs-static",
)
bp.before_request(check_csrf)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def html_page(template: str, status: int = 200, **context) -> Response:
    """Render a staff page in the request's language, with the strict CSP."""
    lang = page_lang()
    body = render_template(template, lang=lang, t=translator(lang), csrf=csrf_token, **context)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def _summary(run) -> str:
    if run.error:
        return run.error
    if not run.summary:
        return ""

    def text(value) -> str:
        if isinstance(value, int | float | str):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    return ", ".join(f"{key}: {text(value)}" for key, value in run.summary.items())


@bp.get("/staff/jobs")
@staff_required("admin")
def runs():
    registered = sorted(load_jobs().values(), key=lambda j: j.name)
    rows = [
        {
            "job": r.job,
            "due": iso(r.scheduled_for),
            "started": iso(r.started_at),
            "finished": iso(r.finished_at) if r.finished_at else "",
            "status": r.status,
            "summary": _summary(r),
            "runner": r.runner,
            "trigger": r.trigger,
        }
        for r in recent_runs(100)
    ]
    return html_page("jobs/runs.html", registered=registered, runs=rows)
