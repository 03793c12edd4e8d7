"""Report pages for administrators under /staff/reports (blueprint ``reports``), and their
CSV/XLSX exports. Admin only; every figure is read through :mod:`.scope`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from ..audit.service import record
from ..core.htmlpage import render_page
from ..core.timeutil import utcnow
from ..org.auth import check_csrf, current_staff, staff_required
from . import charts, figures
from . import jobs as _jobs  # noqa: F401  (registers the report jobs)
from . import register as register_rows
from .exports import RECORD_HEADER, csv_response, record_rows, xlsx_response
from .scope import area_choices, breadcrumbs, frame
from .tables import FRESH_KEYS, LONG, NAMES, PAGE_ROWS, size, table
from .text import TEXT, lang

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


def _charts(report: dict, text: dict, language: str) -> dict:
    groups = report["groups"]

    def label(g):
        return g.name_en if language == "en" else g.name

    legend = [text[k] for k in FRESH_KEYS]
    _, fresh_devices = table(report, "freshness_devices", language, text)
    _, fresh_points = table(report, "freshness_points", language, text)
    return {
        "active30": charts.bars(
            text["active30"],
            [(label(g), g.value(len(g.active30))) for g in groups],
            text["unknown"],
        ),
        "lessons": charts.bars(
            text["lessons"], [(label(g), g.value(g.lessons)) for g in groups], text["unknown"]
        ),
        "fresh_devices": charts.stacked(
            text["freshness_devices"], [(r[0], r[1:]) for r in fresh_devices], legend
        ),
        "fresh_points": charts.stacked(
            text["freshness_points"], [(r[0], r[1:]) for r in fresh_points], legend
        ),
        "ages": charts.stacked(
            text["ages"],
            [(text["share"], [r[2] for r in table(report, "ages", language, text)[1]])],
            [text[f"age_{band}"] for band, _ in report["ages"]],
        ),
        "funnels": [
            charts.funnel(
                f["title_en"] if language == "en" else f["title"],
                list(
                    zip(
                        [text[k] for k in ("started", "first_lesson", "half", "all")],
                        f["stages"],
                        strict=True,
                    )
                ),
            )
            for f in report["funnel"]
        ],
        "topics": charts.bars(text["topics"], report["topics"], text["unknown"]),
        "trend_active": charts.columns(
            text["trend_active"],
            [(w["week"].isoformat(), w["active"]) for w in report["trend"]],
            text["unknown"],
        ),
        "trend_lessons": charts.columns(
            text["trend_lessons"],
            [(w["week"].isoformat(), w["lessons"]) for w in report["trend"]],
            text["unknown"],
        ),
    }


@bp.get("/")
@staff_required("admin")
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
        charts=_charts(report, text, language),
        drill=drill,
        more=more,
        areas=area_choices(f.staff),
    )


@bp.get("/register")
@staff_required("admin")
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
        header, rows = table(figures.build(f), name, language, text)
    writer = csv_response if fmt == "csv" else xlsx_response
    return writer(name, header, rows, text["unknown"])


@bp.get("/export/records.csv")
@staff_required("admin")
def records():
    """Every learning record in the admin's scope (narrowed by the area/point filter)."""
    _audit("records.csv")  # first: its commit must not expire what the stream reads later
    f = _frame()
    text = TEXT[lang()]
    return csv_response(
        "records", RECORD_HEADER, record_rows(f, text["unenrolled"]), text["unknown"]
    )
