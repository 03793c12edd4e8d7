"""Build a pack source into a signed, content-addressed ``.xdpack`` archive.

The archive is a zip of ``manifest.json`` (the signed envelope, first) and ``blobs/<sha256>``
(sorted). All lesson HTML (zh-CN and English) shares one gzip blob; each media file is a
blob of its own, stored as is. The same source and key give byte-identical output: fixed
zip times, sorted entries, gzip without timestamps, bitexact transcodes and Ed25519
signatures, which are deterministic.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings
from ..core.timeutil import iso
from ..keys.service import KeyRing
from .media import Output, TranscodeFailed, Transcoder, default_cache_dir, output_path
from .render import plain_text, render_lesson
from .schemas import PackManifest
from .source import Lesson, PackSourceInvalid, Source, read_source
from .voices import Voice, get_voice

SCHEMA_VERSION = 1
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEXT_MIME = "text/html"
NARRATION_DIR = "media/narration"


@dataclass(frozen=True)
class BuiltPack:
    pack_id: str
    version: int
    archive: Path
    #: Bytes of all blobs, what a phone downloads.
    size: int
    archive_size: int
    audio_seconds: float
    manifest: dict


@dataclass(frozen=True)
class _Job:
    """One media output to make: from a source file, or narration spoken from text."""

    path: str
    source: str
    run: Callable[[], Output]


def iso_date(day) -> str:
    """Return a date as midnight UTC in the wire timestamp form."""
    return iso(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _narration_text(lesson: Lesson) -> str:
    return lesson.meta.get("narration") or plain_text(lesson.body) or lesson.meta["title"]["zh-CN"]


def _audio_path(lesson: Lesson) -> str:
    if "audio" in lesson.meta:
        return output_path(f"media/{lesson.meta['audio']}")
    return f"{NARRATION_DIR}/{lesson.id}.webm"


def _plan(source: Source, transcoder: Transcoder) -> list[_Job]:
    """Return every media output, refusing two sources that would land on one path."""
    jobs: dict[str, _Job] = {}

    def add(job: _Job) -> None:
        if job.path in jobs:
            raise PackSourceInvalid(
                job.source, f"builds to {job.path}, as {jobs[job.path].source} does; rename one"
            )
        jobs[job.path] = job

    for path in source.media:
        name = source.name(path)
        run = transcoder.image if output_path(name).endswith(".webp") else transcoder.audio
        add(_Job(output_path(name), name, lambda run=run, path=path: run(path)))
    for lesson in source.lessons:
        if "audio" not in lesson.meta:
            text = _narration_text(lesson)
            name = f"{source.name(lesson.source)} (narration)"
            add(_Job(_audio_path(lesson), name, lambda text=text: transcoder.narration(text)))
    return [jobs[path] for path in sorted(jobs)]


def _transcode(jobs: list[_Job], step: Callable[[], None]) -> dict[str, Output]:
    """Run the jobs on a few threads (each one waits on a program) and return their outputs."""
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xuedian-media") as pool:
        futures: dict[Future, _Job] = {pool.submit(job.run): job for job in jobs}
        for future in as_completed(futures):
            if future.exception() is None:
                step()
    outputs = {}
    for future, job in futures.items():  # submission order: the first failure by path wins
        try:
            outputs[job.path] = future.result()
        except TranscodeFailed as exc:
            raise PackSourceInvalid(job.source, str(exc)) from exc
    return outputs


def _render(source: Source, step: Callable[[], None]) -> dict[str, bytes]:
    base = f"/content/{source.pack['id']}/{source.pack['version']}/"

    def rewrite(url: str) -> str:
        return base + output_path(url)

    files = {}
    for lesson in source.lessons:
        files[f"lessons/{lesson.id}.html"] = render_lesson(lesson.body, rewrite).encode()
        if lesson.body_en is not None:
            files[f"lessons/{lesson.id}.en.html"] = render_lesson(lesson.body_en, rewrite).encode()
        step()
    return files


def _lesson_entry(lesson: Lesson, audio: Output, voice: Voice) -> dict:
    files = {"zh-CN": f"lessons/{lesson.id}.html"}
    if lesson.body_en is not None:
        files["en"] = f"lessons/{lesson.id}.en.html"
    return {
        "id": lesson.id,
        "title": lesson.meta["title"],
        "file": files["zh-CN"],
        "files": files,
        "audio": {
            "path": _audio_path(lesson),
            "mime": audio.mime,
            "seconds": audio.seconds,
            # A recorded narration names no voice; a synthesised one names its voice's licence.
            **({} if "audio" in lesson.meta else {"voice": voice.manifest_entry()}),
        },
        "quiz": [
            {
                "id": f"q{number}",
                "prompt": question["prompt"],
                "choices": question["choices"],
                "answer": question["answer"],
                "explanation": question["explanation"],
            }
            for number, question in enumerate(lesson.meta["quiz"], start=1)
        ],
    }


def _route_entry(source: Source) -> dict | None:
    """The manifest's ``route``: media paths as built; a site without its own audio plays
    its lesson's narration."""
    route = source.pack.get("route")
    if route is None:
        return None
    lessons = {lesson.id: lesson for lesson in source.lessons}
    sites = []
    for site in route["sites"]:
        audio = site.get("audio")
        sites.append(
            {
                "id": site["id"],
                "title": site["title"],
                "photo": output_path(site["photo"]),
                "audio": output_path(audio) if audio else _audio_path(lessons[site["lesson"]]),
                "x": site["x"],
                "y": site["y"],
                "lesson": site["lesson"],
            }
        )
    return {"map": output_path(route["map"]), "sites": sites}


def build(
    root: Path,
    out_dir: Path,
    keyring: KeyRing,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    voice: Voice | None = None,
) -> BuiltPack:
    """Build the pack source in ``root`` into ``out_dir/<id>-v<version>.xdpack``.

    ``progress(done, total)`` is called after each lesson, media file and narration.
    ``cache_dir`` defaults to ``XUEDIAN_BUILD_CACHE`` or the user cache folder, ``voice`` (for
    lessons without a recorded narration) to ``XUEDIAN_NARRATION_VOICE`` (voices.py).
    Raises :class:`~xuedian.packs.source.PackSourceInvalid` on a bad source,
    :class:`~xuedian.packs.media.PackToolMissing` without ffmpeg or espeak-ng, and
    :class:`~xuedian.keys.service.NoSigningKey` when the instance has no key.
    """
    source = read_source(root)
    settings = Settings.from_env()
    voice = voice or get_voice(settings.narration_voice)
    transcoder = Transcoder(cache_dir or default_cache_dir(settings.build_cache), voice)
    jobs = _plan(source, transcoder)
    total = len(source.lessons) + len(jobs)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    text = _render(source, step)
    media = _transcode(jobs, step)

    blobs: dict[str, bytes] = {}
    blob_meta: list[dict] = []
    files: list[dict] = []

    def add_blob(data: bytes, codec: str, raw_size: int) -> str:
        blob_id = hashlib.sha256(data).hexdigest()
        if blob_id not in blobs:
            blobs[blob_id] = data
            blob_meta.append(
                {"id": blob_id, "size": len(data), "codec": codec, "raw_size": raw_size}
            )
        return blob_id

    # Text is grouped into one gzip blob: one request, and gzip works across lessons.
    raw = b"".join(text.values())
    text_id = add_blob(gzip.compress(raw, compresslevel=9, mtime=0), "gzip", len(raw))
    offset = 0
    for path, data in text.items():
        files.append(_file_entry(path, TEXT_MIME, data, [(text_id, offset, len(data))]))
        offset += len(data)
    for path, output in media.items():
        blob_id = add_blob(output.data, "identity", len(output.data))
        files.append(_file_entry(path, output.mime, output.data, [(blob_id, 0, len(output.data))]))

    lessons = [
        _lesson_entry(lesson, media[_audio_path(lesson)], voice) for lesson in source.lessons
    ]
    # Listed in archive order, so an importer reading the zip front to back meets each blob
    # in the order the manifest names it.
    blob_meta.sort(key=lambda blob: blob["id"])
    body = _manifest_body(source, lessons, files, blob_meta)
    problems = PackManifest().validate(body)
    if problems:
        raise RuntimeError(f"the builder made a manifest that breaks its schema: {problems}")
    envelope = keyring.sign(body)
    archive = _write_archive(out_dir, source, envelope, blobs)
    return BuiltPack(
        pack_id=source.pack["id"],
        version=source.pack["version"],
        archive=archive,
        size=sum(len(b) for b in blobs.values()),
        archive_size=archive.stat().st_size,
        audio_seconds=round(sum(lesson["audio"]["seconds"] for lesson in lessons), 1),
        manifest=envelope,
    )


def _manifest_body(source: Source, lessons: list, files: list, blobs: list) -> dict:
    pack = source.pack
    route = _route_entry(source)
    named = {"publisher": pack["publisher"]} if "publisher" in pack else {}
    return {
        **({"route": route} if route else {}),
        "type": "manifest",
        "schema_version": SCHEMA_VERSION,
        "pack_id": pack["id"],
        "version": pack["version"],
        "created": iso_date(pack["date"]),
        "min_app": pack["min_app"],
        "title": pack["title"],
        "description": pack["description"],
        "category": pack["category"],
        "credit_hours": pack["credit_hours"],
        **named,
        "lessons": lessons,
        "files": files,
        "blobs": blobs,
    }


def _file_entry(path: str, mime: str, data: bytes, pieces: list[tuple[str, int, int]]) -> dict:
    return {
        "path": path,
        "mime": mime,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "blobs": [{"id": i, "offset": o, "length": n} for i, o, n in pieces],
    }


def _write_archive(out_dir: Path, source: Source, envelope: dict, blobs: dict[str, bytes]) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{source.pack['id']}-v{source.pack['version']}.xdpack"
    tmp = archive.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        _write(zf, "manifest.json", json.dumps(envelope, ensure_ascii=False, indent=1).encode())
        for blob_id in sorted(blobs):
            _write(zf, f"blobs/{blob_id}", blobs[blob_id])
    tmp.replace(archive)
    return archive


def _write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED
    zf.writestr(info, data)
