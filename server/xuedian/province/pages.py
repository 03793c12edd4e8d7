"""The province dashboard under /staff/province (blueprint ``province``), registered only
on a province instance: every county's latest aggregates, drilled down county → village,
county → pack, with charts and CSV/XLSX exports of each table. Province administrators
only: an administrator of a top-level area of the province instance."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from ..audit.service import record
from ..core.dbrouting import replica_reads
from ..core.htmlpage import render_page
from ..core.words import WORDS as TEXT
from ..core.words import current_lang as lang
from ..org.auth import check_csrf, current_staff, staff_required
from ..org.scope import sees_unenrolled
from ..reports.exports import csv_response, xlsx_response
from . import tables

bp = Blueprint("province", __name__, url_prefix="/staff/province", template_folder="templates")
bp.before_request(check_csrf)

KEEP = ("county", "pack", "lang")


def link(endpoint: str, **changes) -> str:
    """A URL to ``endpoint`` keeping the current drill-down and language, with ``changes``."""
    args = {k: request.args[k] for k in KEEP if request.args.get(k)}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(endpoint, **args)


def _report(language: str) -> dict:
    if not sees_unenrolled(current_staff()):
        abort(403)
    county = request.args.get("county", type=int)
    if request.args.get("county") and county is None:
        abort(404)
    try:
        return tables.report(county, request.args.get("pack") or None, language)
    except LookupError:
        abort(404)


@bp.get("/")
@staff_required("admin")
@replica_reads
def dashboard() -> Response:
    language = lang()
    text = TEXT[language]
    report = _report(language)
    county = request.args.get("county", type=int)
    shown = {name: t.rows(report, language, text) for name, t in tables.TABLES.items()}
    drill = [
        link("province.dashboard", county=g.id) if county is None else None
        for g in report["groups"]
    ]
    packs = [link("province.dashboard", county=None, pack=f["pack"]) for f in report["funnel"]]
    return render_page(
        "province/dashboard.html",
        link=link,
        report=report,
        tables=shown,
        charts=tables.drawn(report, language, text),
        drill=drill,
        pack_links=packs if county is None else None,
        county=county,
        county_name=report["county_name"],
    )


@bp.get("/export/<name>.<fmt>")
@staff_required("admin")
@replica_reads
def export(name: str, fmt: str) -> Response:
    if fmt not in ("csv", "xlsx") or name not in tables.TABLES:
        abort(404)
    record(
        "export",
        f"province-{name}.{fmt}",
        {k: request.args[k] for k in KEEP[:2] if request.args.get(k)},
    )
    language = lang()
    text = TEXT[language]
    header, rows = tables.TABLES[name].rows(_report(language), language, text)
    writer = csv_response if fmt == "csv" else xlsx_response
    return writer(f"province-{name}", header, rows, text["unknown"])
