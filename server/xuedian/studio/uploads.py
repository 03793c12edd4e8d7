"""Chunked, resumable uploads of a draft's pictures and recordings.

The browser (static/studio-media.js) announces a file (name and size), then sends it in
fixed-size chunks, each with the offset it starts at. The state of an upload is two files
under ``<instance>/studio-uploads/`` and no table: ``<id>.json`` (draft, account, name,
size) and ``<id>.part``, the bytes so far, appended to straight from the request stream in
:data:`PIECE`-sized pieces, so no upload is ever held in memory. The length of the part
file is the offset: an interrupted upload asks for it and goes on from there. A file
larger than ``XUEDIAN_STUDIO_UPLOAD_BYTES`` is refused when it is announced, before any
byte is sent. The finished file is renamed into the draft's ``media/``
(service.adopt_media); the builder checks and transcodes it at publish like any source.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from ..core.words import size_text, translate
from ..org.models import Staff
from . import service
from .models import Draft

#: The chunk size the browser is told to send.
CHUNK = 1024 * 1024
#: Bytes read from the request stream and written at a time.
PIECE = 64 * 1024
#: An upload untouched this long is removed when another starts.
STALE_SECONDS = 2 * 24 * 3600


class UploadTooLarge(service.StudioError):
    code = "studio-upload-too-large"
    status = 413
    message = "The file is larger than the studio accepts."


class UploadOffsetWrong(service.StudioError):
    code = "studio-upload-offset"
    status = 409
    message = "The chunk does not start where the upload stands; resume from details.offset."


class UploadMissing(service.StudioError):
    code = "studio-upload-missing"
    status = 404
    message = "No such upload: it finished, expired or belongs to another draft."


def uploads_folder() -> Path:
    folder = Path(current_app.instance_path) / "studio-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(upload_id: str) -> tuple[Path, Path]:
    if len(upload_id) != 32 or any(c not in "0123456789abcdef" for c in upload_id):
        raise UploadMissing(UploadMissing.message, "upload_missing")
    folder = uploads_folder()
    return folder / f"{upload_id}.json", folder / f"{upload_id}.part"


def too_large(size: int) -> UploadTooLarge:
    """The refusal of a file of ``size`` bytes, naming the limit in the page's language."""
    limit = current_app.config["XUEDIAN"].studio_upload_bytes
    text = translate("studio.err_too_large", limit=size_text(limit))
    return UploadTooLarge(UploadTooLarge.message, "too_large", limit=limit, size=size, text=text)


def _sweep() -> None:
    """Remove uploads nobody touched for :data:`STALE_SECONDS`."""
    cutoff = time.time() - STALE_SECONDS
    for path in uploads_folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def start(draft: Draft, staff: Staff, filename: str, size: int) -> dict:
    """Begin an upload of ``filename`` (``size`` bytes) into ``draft``: ``{upload_id,
    offset, size, chunk}``. Refused before any byte is sent when the draft is not editable,
    the file is not a picture or recording, or it is larger than the setting."""
    service.media_name(draft, filename)  # refuses a draft under review or a wrong type
    if size > current_app.config["XUEDIAN"].studio_upload_bytes:
        raise too_large(size)
    if size <= 0:
        raise service.StudioError("The file is empty.", "media_missing")
    _sweep()
    upload_id = secrets.token_hex(16)
    state, part = _paths(upload_id)
    part.touch()
    record = {"draft": draft.id, "staff": staff.id, "name": filename, "size": size}
    state.write_text(json.dumps(record), "utf-8")
    return {"upload_id": upload_id, "offset": 0, "size": size, "chunk": CHUNK}


def _state(draft: Draft, staff: Staff, upload_id: str) -> tuple[dict, Path, Path]:
    state, part = _paths(upload_id)
    try:
        record = json.loads(state.read_text("utf-8"))
    except FileNotFoundError:
        raise UploadMissing(UploadMissing.message, "upload_missing") from None
    if record["draft"] != draft.id or record["staff"] != staff.id or not part.is_file():
        raise UploadMissing(UploadMissing.message, "upload_missing")
    return record, state, part


def status(draft: Draft, staff: Staff, upload_id: str) -> dict:
    """``{upload_id, offset, size, chunk}``: where an upload stands, to resume it."""
    record, _, part = _state(draft, staff, upload_id)
    return {
        "upload_id": upload_id,
        "offset": part.stat().st_size,
        "size": record["size"],
        "chunk": CHUNK,
    }


def append(
    draft: Draft, staff: Staff, upload_id: str, offset: int, stream: BinaryIO, length: int
) -> dict:
    """Append ``length`` bytes of ``stream`` to the upload, which must stand at ``offset``
    (else :class:`UploadOffsetWrong` with the real one). Returns ``{offset, done}``, and
    ``name`` (its name in ``media/``) once the last byte is in."""
    record, state, part = _state(draft, staff, upload_id)
    service.media_name(draft, record["name"])  # still editable
    with part.open("ab") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # two tabs resuming at once append one after the other
        at = out.seek(0, os.SEEK_END)
        if offset != at:
            raise UploadOffsetWrong(UploadOffsetWrong.message, "upload_offset", offset=at)
        if at + length > record["size"]:
            raise too_large(at + length)
        left = length
        try:
            while left:
                piece = stream.read(min(PIECE, left))
                if not piece:
                    break
                out.write(piece)
                left -= len(piece)
        finally:  # a broken connection keeps what arrived: the browser resumes from there
            out.flush()
            at = out.tell()
        if at < record["size"]:
            return {"offset": at, "done": False}
        # Still under the lock: a second request for the last chunk finds the upload gone.
        state.unlink(missing_ok=True)
        name = service.adopt_media(draft, record["name"], part)
    return {"offset": at, "done": True, "name": name}
