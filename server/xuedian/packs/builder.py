"""Build a pack source into a signed, content-addressed ``.xdpack`` archive.

The archive is a zip of ``manifest.json`` (the signed envelope) and ``blobs/<sha256>``.
The same source and key give byte-identical output: fixed zip times, sorted entries,
gzip without timestamps, and Ed25519 signatures, which are deterministic.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core.timeutil import iso
from ..keys.service import KeyRing
from .render import render_lesson
from .source import Source, read_source

SCHEMA_VERSION = 1
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MIME = {".webp": "image/webp", ".webm": "audio/webm", ".opus": "audio/ogg", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class BuiltPack:
    pack_id: str
    version: int
    archive: Path
    size: int
    manifest: dict


def _mime(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return MIME.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _text_files(source: Source) -> dict[str, bytes]:
    files = {}
    base = f"/content/{source.pack['id']}/{source.pack['version']}/"
    for lesson in source.lessons:
        body = lesson.body.replace("](media/", f"]({base}media/")
        html = render_lesson(body)
        files[f"lessons/{lesson.id}.html"] = html.encode("utf-8")
    return files


def _manifest_body(source: Source, files: list[dict], blobs: list[dict]) -> dict:
    pack = source.pack
    return {
        "type": "manifest",
        "schema_version": SCHEMA_VERSION,
        "pack_id": pack["id"],
        "version": pack["version"],
        "created": iso_date(pack["date"]),
        "min_app": pack["min_app"],
        "title": {"zh-CN": pack["title"]["zh_cn"], "en": pack["title"]["en"]},
        "description": {
            "zh-CN": pack["description"]["zh_cn"],
            "en": pack["description"]["en"],
        },
        "category": pack["category"],
        "credit_hours": pack["credit_hours"],
        "lessons": [
            {
                "id": lesson.id,
                "title": {"zh-CN": lesson.meta["title"]["zh_cn"], "en": lesson.meta["title"]["en"]},
                "file": f"lessons/{lesson.id}.html",
            }
            for lesson in source.lessons
        ],
        "files": files,
        "blobs": blobs,
    }


def iso_date(day) -> str:
    """Return a date as midnight UTC in the wire timestamp form."""
    return iso(datetime(day.year, day.month, day.day, tzinfo=UTC))


def build(
    root: Path,
    out_dir: Path,
    keyring: KeyRing,
    progress: Callable[[int, int], None] | None = None,
) -> BuiltPack:
    """Build the pack source in ``root`` into ``out_dir/<id>-v<version>.xdpack``.

    Raises :class:`~xuedian.packs.source.PackSourceInvalid` on a bad source and
    :class:`~xuedian.keys.service.NoSigningKey` when the instance has no key.
    """
    source = read_source(root)
    total = len(source.lessons) + len(source.media)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    blobs: dict[str, bytes] = {}
    blob_meta: list[dict] = []
    files: list[dict] = []

    # Text is grouped into one gzip blob: one request, and gzip works across lessons.
    text = _text_files(source)
    raw = b"".join(text.values())
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    text_id = hashlib.sha256(packed).hexdigest()
    blobs[text_id] = packed
    blob_meta.append({"id": text_id, "size": len(packed), "codec": "gzip", "raw_size": len(raw)})
    offset = 0
    for path, data in text.items():
        step()
        files.append(_file_entry(path, data, [(text_id, offset, len(data))]))
        offset += len(data)

    for media in source.media:
        path = media.relative_to(source.root).as_posix()
        step()
        data = media.read_bytes()
        blob_id = hashlib.sha256(data).hexdigest()
        if blob_id not in blobs:
            blobs[blob_id] = data
            blob_meta.append(
                {"id": blob_id, "size": len(data), "codec": "identity", "raw_size": len(data)}
            )
        files.append(_file_entry(path, data, [(blob_id, 0, len(data))]))

    envelope = keyring.sign(_manifest_body(source, files, blob_meta))
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{source.pack['id']}-v{source.pack['version']}.xdpack"
    tmp = archive.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        _write(zf, "manifest.json", json.dumps(envelope, ensure_ascii=False, indent=1).encode())
        for blob_id in sorted(blobs):
            _write(zf, f"blobs/{blob_id}", blobs[blob_id])
    tmp.replace(archive)
    return BuiltPack(
        pack_id=source.pack["id"],
        version=source.pack["version"],
        archive=archive,
        size=sum(len(b) for b in blobs.values()),
        manifest=envelope,
    )


def _file_entry(path: str, data: bytes, pieces: list[tuple[str, int, int]]) -> dict:
    return {
        "path": path,
        "mime": _mime(path),
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "blobs": [{"id": i, "offset": o, "length": n} for i, o, n in pieces],
    }


def _write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED
    zf.writestr(info, data)
