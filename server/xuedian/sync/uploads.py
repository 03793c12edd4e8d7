"""Bundle files uploaded in one request (the API, the volunteer page, the staff page):
each imported on its own (sync/bundles.py), each answered."""

from __future__ import annotations

from flask import current_app

from ..core.http import read_capped
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
