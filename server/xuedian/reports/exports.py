"""CSV and XLSX downloads that stream: CSV is written by a generator as rows are read, XLSX
by xlsxwriter in constant-memory mode into a temporary file that is then sent.

Cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return, also after zero-width or space characters, or in their full-width forms ＝ ＋ － ＠)
get a leading single quote.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import Response, send_file, stream_with_context
from sqlalchemy import select

from ..core.timeutil import local_iso, local_text
from ..extensions import db
from ..org.models import LearningPoint
from ..sync.models import Device, LearningRecord
from .scope import Frame

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters a spreadsheet skips or folds before deciding a cell is a formula: spaces,
#: zero-width and direction marks; and the full-width forms it reads as = + - @.
_IGNORED = " \u00a0\u3000\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_FOLD = str.maketrans({"\uff1d": "=", "\uff0b": "+", "\uff0d": "-", "\uff20": "@"})
#: Rows per chunk of CSV text handed to the server.
CHUNK = 500


def neutralise(value):
    """Return ``value`` safe for a spreadsheet cell: text that would start a formula gets a
    leading single quote; numbers stay numbers."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_START)
        or value.lstrip(_IGNORED).translate(_FOLD).startswith(FORMULA_START)
    ):
        return "'" + value
    return value


def cell(value, unknown: str):
    """A cell as exported: None is the word for unknown, times are local, text neutralised."""
    if value is None:
        return unknown
    if isinstance(value, datetime):
        return local_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise(value)


def _filename(name: str, ext: str) -> str:
    return f"xuedian-{name}.{ext}"


def csv_response(name: str, header: list[str], rows: Iterable[list], unknown: str) -> Response:
    """A streamed CSV download (UTF-8 with a BOM, so spreadsheets read the Chinese)."""

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([cell(h, unknown) for h in header])
        for i, row in enumerate(rows, 1):
            writer.writerow([cell(v, unknown) for v in row])
            if i % CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def xlsx_response(name: str, header: list[str], rows: Iterable[list], unknown: str) -> Response:
    """An XLSX download written row by row (constant memory) to a temporary file."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        import xlsxwriter  # only XLSX exports need it

        book = xlsxwriter.Workbook(
            handle.name,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        sheet = book.add_worksheet(name[:31])
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, [str(h) for h in header], bold)
        for i, row in enumerate(rows, 1):
            for j, value in enumerate(row):
                value = cell(value, unknown)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    sheet.write_string(i, j, str(value))
                else:
                    sheet.write_number(i, j, value)
        book.close()
        stream = open(handle.name, "rb")  # noqa: SIM115  (closed by the response)
    finally:
        os.unlink(handle.name)  # the open handle keeps the data until it is sent
    response = send_file(
        stream,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=_filename(name, "xlsx"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


RECORD_HEADER = ["id", "device", "point", "learner", "verb", "object", "result"]
RECORD_HEADER += ["timestamp", "received"]
#: The record's facts as ingest parsed them (sync/facts.py); ``evidence`` is a lesson
#: completion's engagement, or "unverified".
RECORD_HEADER += ["kind", "pack", "lesson", "item", "seconds", "score", "success"]
RECORD_HEADER += ["evidence", "voided"]


def _evidence(verb_name, kind, engagement) -> str:
    if verb_name == "completed" and kind == "lesson":
        return engagement or "unverified"
    return ""


def record_rows(frame: Frame, unenrolled: str = "", devices_per_query: int = 25) -> Iterator[list]:
    """Every learning record in the frame's scope: the scope's phones are listed first,
    then their records are read 25 phones at a time (by the device index), so memory
    stays flat however many records there are. A phone enrolled at no point (in a frame
    that holds them) has ``unenrolled`` for its point."""
    devices = db.session.execute(
        select(Device.id, LearningPoint.code)
        .outerjoin(LearningPoint, LearningPoint.id == Device.learning_point_id)
        .where(Device.id.in_(frame.devices()))
        .order_by(Device.id)
    ).all()
    r = LearningRecord
    columns = (r.id, r.device_id, r.learner, r.verb_name, r.object, r.result, r.timestamp)
    columns += (r.kind, r.pack, r.lesson, r.item, r.seconds, r.score, r.success)
    columns += (r.engagement, r.voided)
    for i in range(0, len(devices), devices_per_query):
        codes = dict(devices[i : i + devices_per_query])
        query = (
            select(*columns, r.received_at)
            .where(r.device_id.in_(list(codes)))
            .order_by(r.device_id, r.device_seq)
        )
        for row in db.session.execute(query):
            yield [
                row.id,
                row.device_id,
                codes[row.device_id] or unenrolled,
                row.learner,
                row.verb_name,
                json.dumps(row.object, ensure_ascii=False, sort_keys=True),
                json.dumps(row.result, ensure_ascii=False, sort_keys=True) if row.result else "",
                local_iso(row.timestamp),
                local_iso(row.received_at),
                row.kind,
                row.pack or "",
                row.lesson or "",
                row.item or "",
                row.seconds,
                "" if row.score is None else row.score,
                "" if row.success is None else str(row.success).lower(),
                _evidence(row.verb_name, row.kind, row.engagement),
                "true" if row.voided else "false",
            ]
        db.session.expunge_all()
