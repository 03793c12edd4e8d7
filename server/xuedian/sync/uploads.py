"""Bundle files uploaded in one request (the API, the volunteer page, the staff page):
each imported on its own (sync/bundles.py), each answered; and the rows of the county's
receipt page (``page/receipt.html``) that both pages show."""

from __future__ import annotations

from flask import current_app

from ..core.http import read_capped
from ..core.timeutil import local_text
from ..core.words import reasons
from ..errors import XuedianError
from ..extensions import db
from .bundles import BundleTooLarge, import_bundle, refusal


def import_uploads(files, received_at=None, carried_by=None) -> list[dict]:
    """Import uploaded bundle files one by one; a bad file is answered, not raised, and
    never costs the others. ``carried_by``: the signed-in volunteer's staff id, if any."""
    limit = current_app.config["XUEDIAN"].max_body_bytes
    answers = []
    for upload in files:
        try:
            data = read_capped(upload.stream, limit)
        except XuedianError:
            answers.append(refusal(BundleTooLarge(limit=limit), upload.filename))
            continue
        try:
            answers.append(import_bundle(data, upload.filename, received_at, carried_by))
        except XuedianError as error:
            db.session.rollback()
            answers.append(refusal(error, upload.filename))
        except Exception:
            # A fault of this server, not of the file: the file gets its own answer (and a
            # kiosk will send it again), the files after it still get theirs.
            db.session.rollback()
            current_app.logger.exception("bundle %r failed to import", upload.filename)
            answers.append(refusal(XuedianError(), upload.filename))
    return answers


def receipt_lines(answer: dict, times: bool = False) -> list[tuple[str, dict]]:
    """What the county's receipt says of one file, as word keys and values (core/words.py):
    refused and why, already imported, or the records new, already stored and refused;
    ``times`` adds when the phone made it and the county took it."""
    if not answer.get("ok", True):
        return [("result_refused", {"reason": reasons(answer.get("code"), answer.get("message"))})]
    if answer.get("already_imported"):
        lines = [("result_already", {})]
    else:
        counts = {"accepted": answer.get("accepted", 0), "duplicate": answer.get("duplicate", 0)}
        lines = [("result_ok", counts)]
        if answer.get("rejected"):
            lines.append(("result_rejected", {"rejected": answer["rejected"]}))
    if times:
        made, imported = local_text(answer.get("made_at")), local_text(answer.get("imported_at"))
        device = (answer.get("device_id") or "")[:8]
        lines.append(("result_times", {"made": made, "imported": imported, "device": device}))
    return lines


def receipt_rows(answers: list[dict], times: bool = False) -> list[dict]:
    """One row per file for ``page/receipt.html`` (and the staff page's JSON)."""
    return [
        {
            "name": a.get("name") or "",
            "ok": bool(a.get("ok", True)),
            "code": a.get("code"),
            "lines": receipt_lines(a, times),
            "device": (a.get("device_id") or "")[:8],
        }
        for a in answers
    ]


def receipt_summary(rows: list[dict]) -> tuple[str, dict]:
    """The county receipt's first line: how many of the files the county took."""
    return "result_summary", {"taken": sum(1 for r in rows if r["ok"]), "total": len(rows)}
