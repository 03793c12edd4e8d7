"""Report pages for administrators under /staff/reports (blueprint ``reports``), and their
CSV/XLSX exports. Admin only; every figure is read through :mod:`.scope`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from ..audit.service import record
from ..core.dbrouting import replica_reads
from ..core.htmlpage import render_page
from ..core.timeutil import utcnow
from ..core.words import WORDS as TEXT
from ..core.words import current_lang as lang
from ..org.auth import check_csrf, current_staff, staff_required
from . import figures
from . import jobs as _jobs  # noqa: F401  (registers the report jobs)
from . import register as register_rows
from .exports import RECORD_HEADER, csv_response, record_rows, xlsx_response
from .scope import area_choices, breadcrumbs, frame
from .tables import LONG, NAMES, PAGE_ROWS, TABLES, drawn, size, table

bp = Blueprint("reports", __name__, url_prefix="/staff/reports", template_folder="templates")
#: The pages' stylesheet, public and outside /staff (it holds nothing private).
assets = Blueprint(
    "reports_assets", __name__, static_folder="static", static_url_path="/reports-static"
)
bp.before_request(check_csrf)

KEEP = ("area", "point", "unenrolled", "from", "to", "lang")


def link(endpoint: str, **changes) -> str:
    """A URL to ``endpoint`` keeping the current filters and language, with ``changes``."""
    args = {k: request.args[k] for k in KEEP if request.args.get(k)}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(endpoint, **args)


def _html(template: str, **context) -> Response:
    # The staff layout's context processor adds staff, nav, csrf_token and lang_url.
    return render_page(template, link=link, **context)


def _frame():
    return frame(current_staff(), request.args, utcnow())


def _audit(name: str) -> None:
    """Record an export with the filters it was made with (who and where come with it)."""
    filters = {k: request.args[k] for k in ("area", "point", "from", "to") if request.args.get(k)}
    record("export", name, filters)


@bp.get("/")
@staff_required("admin")
@replica_reads
def dashboard():
    f = _frame()
    report = figures.build(f)
    language = lang()
    text = TEXT[language]
    tables = {
        name: table(report, name, language, text, PAGE_ROWS if name in LONG else None)
        for name in NAMES
    }
    more = {name: max(size(report, name) - PAGE_ROWS, 0) for name in LONG}
    drill = [
        link("reports.dashboard", area=g.id, point=None)
        if g.kind == "area"
        else link("reports.dashboard", point=g.id, area=None)
        if g.kind == "point"
        else link("reports.dashboard", unenrolled=1, area=None, point=None)
        if g.kind == "unenrolled"
        else None
        for g in report["groups"]
    ]
    return _html(
        "reports/dashboard.html",
        frame=f,
        crumbs=breadcrumbs(f),
        report=report,
        tables=tables,
        charts=drawn(report, language, text),
        drill=drill,
        more=more,
        areas=area_choices(f.staff),
    )


@bp.get("/register")
@staff_required("admin")
@replica_reads
def register():
    f = _frame()
    number = max(request.args.get("page", 0, type=int), 0)
    text = TEXT[lang()]
    rows, more = register_rows.page(f, number, text)
    header = [text[k] for k in register_rows.HEADER_KEYS]
    return _html(
        "reports/register.html",
        frame=f,
        crumbs=breadcrumbs(f),
        header=header,
        rows=rows,
        number=number,
        more=more,
    )


@bp.get("/export/<name>.<fmt>")
@staff_required("admin")
@replica_reads
def export(name: str, fmt: str):
    if fmt not in ("csv", "xlsx") or (name not in NAMES and name != "register"):
        abort(404)
    _audit(f"{name}.{fmt}")  # first: its commit must not expire what the rows read later
    f = _frame()
    language = lang()
    text = TEXT[language]
    if name == "register":
        header = [text[k] for k in register_rows.HEADER_KEYS]
        rows = register_rows.rows(f, text)
    else:
        # Only what this one table reads is computed.
        header, rows = table(figures.build(f, TABLES[name].needs), name, language, text)
    writer = csv_response if fmt == "csv" else xlsx_response
    return writer(name, header, rows, text["unknown"])


@bp.get("/export/records.csv")
@staff_required("admin")
@replica_reads
def records():
    """Every learning record in the admin's scope (narrowed by the area/point filter)."""
    _audit("records.csv")  # first: its commit must not expire what the stream reads later
    f = _frame()
    text = TEXT[lang()]
    return csv_response(
        "records", RECORD_HEADER, record_rows(f, text["unenrolled"]), text["unknown"]
    )
