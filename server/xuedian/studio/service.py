"""Drafts in the studio: each is a pack source folder under ``<instance>/studio/<pack id>/``
in the one source format of ``content_packs/README.md`` (read back by packs/source.py, built
by packs/builder.py), and a :class:`~.models.Draft` row holding its publisher and review
state. Owns those folders and rows.

Review moves a draft draft → submitted → approved → published (:data:`TRANSITIONS`); a
reviewer may send a submitted draft back to draft with comments. Publishing builds, signs
and publishes through the same code as ``xuedian packs build`` and ``publish``, with the
version one above the highest published, so it only rises. Every step is audited.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from ..audit.service import record
from ..core.timeutil import utcnow
from ..errors import XuedianError
from ..extensions import db
from ..org.models import Publisher, Staff
from ..packs import service as packs
from ..packs.builder import build
from ..packs.media import default_cache_dir
from ..packs.schemas import PACK_ID, PackSource
from ..packs.source import (
    AUDIO_SUFFIXES,
    EN_SUFFIX,
    IMAGE_SUFFIXES,
    read_source,
    split_front_matter,
)
from .models import Draft, DraftComment

#: (from, to) -> the roles that may move a draft so, and the audit action.
TRANSITIONS = {
    ("draft", "submitted"): (("author", "admin"), "draft-submit"),
    ("submitted", "draft"): (("admin",), "draft-return"),
    ("submitted", "approved"): (("admin",), "draft-approve"),
    ("approved", "published"): (("admin",), "pack-publish"),
}
#: States in which the lessons and pack details may be changed (a published draft may be
#: edited again: it goes back to draft for the next version).
EDITABLE = ("draft", "published")
#: What an upload may be, by suffix: the source format's own lists (packs/source.py).
MEDIA_KINDS = {**{s: "picture" for s in IMAGE_SUFFIXES}, **{s: "audio" for s in AUDIO_SUFFIXES}}
#: Bytes copied at a time from an upload to its file.
CHUNK = 1024 * 1024


class Report(Protocol):
    """Told how far publishing is: ``(stage, done, total)``."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


class StudioError(XuedianError):
    """A studio step refused; ``key`` names the word the page shows (err_<key>)."""

    code = "studio-refused"
    status = 409
    message = "This step is not possible for the draft now."

    def __init__(self, message: str, key: str, **details):
        super().__init__(message, key=key, **details)
        self.key = key
        self.values = details


def drafts_folder() -> Path:
    return Path(current_app.instance_path) / "studio"


def draft_root(draft: Draft) -> Path:
    return drafts_folder() / draft.pack_id


def publisher_names(publisher: Publisher) -> dict:
    return {"zh-CN": publisher.name, "en": publisher.name_en or publisher.name}


def _dump_yaml(data: dict) -> str:
    import yaml  # here, not at the top: a serving worker opens the studio rarely

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _write_pack_yaml(root: Path, pack: dict) -> None:
    text = _dump_yaml(pack)
    (root / "pack.yaml").write_text(text, "utf-8")


def _checked(pack: dict) -> dict:
    """``pack`` as pack.yaml holds it, after the builder's own schema accepts it."""
    try:
        PackSource().load(pack)
    except ValidationError as exc:
        field = next(iter(exc.normalized_messages()), "pack")
        message = f"pack.yaml: {exc.normalized_messages()}"
        raise StudioError(message, "pack_field", field=field) from exc
    return pack


def pack_fields(draft: Draft) -> dict:
    """The draft's pack.yaml, as written."""
    import yaml

    return yaml.safe_load((draft_root(draft) / "pack.yaml").read_text("utf-8"))


def create_draft(publisher: Publisher, pack: dict) -> Draft:
    """A new draft of ``publisher`` with ``pack`` (pack.yaml's fields but id, version, date
    and publisher, which the studio sets). Commits."""
    pack_id = pack.get("id", "")
    if not PACK_ID.match(pack_id):
        raise StudioError("Not a pack id.", "pack_id")
    taken = db.session.scalar(select(Draft.id).where(Draft.pack_id == pack_id))
    if taken or packs.current_version(pack_id) or (drafts_folder() / pack_id).exists():
        raise StudioError(f"The pack id {pack_id!r} is taken.", "pack_id_taken")
    full = _checked(
        {
            **pack,
            "version": 1,
            "date": date.today(),
            "publisher": publisher_names(publisher),
        }
    )
    now = utcnow()
    draft = Draft(pack_id=pack_id, publisher_id=publisher.id, state="draft")
    draft.created_at = draft.updated_at = now
    db.session.add(draft)
    db.session.flush()
    root = draft_root(draft)
    (root / "lessons").mkdir(parents=True)
    _write_pack_yaml(root, full)
    record("draft-create", pack_id, area=publisher, commit=False)
    db.session.commit()
    return draft


def update_pack(draft: Draft, pack: dict) -> None:
    """Change the pack details (not its id, version, date or publisher)."""
    _editable(draft)
    current = pack_fields(draft)
    keep = {k: current[k] for k in ("id", "version", "date", "publisher")}
    _write_pack_yaml(draft_root(draft), _checked({**pack, **keep}))
    _touch(draft)


def _editable(draft: Draft) -> None:
    if draft.state not in EDITABLE:
        raise StudioError("The draft is under review.", "not_editable", state=draft.state)


def _touch(draft: Draft) -> None:
    if draft.state == "published":
        draft.state = "draft"
    draft.updated_at = utcnow()
    db.session.commit()


def lesson_files(draft: Draft) -> list[Path]:
    """The zh-CN lesson files in order (the source format orders them by name)."""
    folder = draft_root(draft) / "lessons"
    return sorted(p for p in folder.glob("*.md") if not p.name.endswith(EN_SUFFIX))


def lessons(draft: Draft) -> list[dict]:
    """Each lesson as ``{id, meta, body, body_en}``, in order."""
    found = []
    for path in lesson_files(draft):
        meta, body = split_front_matter(path.name, path.read_text("utf-8"))
        en = path.with_name(path.stem + EN_SUFFIX)
        body_en = en.read_text("utf-8") if en.is_file() else ""
        found.append({"id": path.stem, "meta": meta, "body": body, "body_en": body_en})
    return found


def save_lesson(draft: Draft, lesson_id: str | None, meta: dict, body: str, body_en: str) -> str:
    """Write a lesson (a new one at the end when ``lesson_id`` is None) and return its id.
    ``meta`` is the front matter (title, quiz), already loaded by the lesson form."""
    _editable(draft)
    folder = draft_root(draft) / "lessons"
    if lesson_id is None:
        number = len(lesson_files(draft)) + 1
        lesson_id = f"{number:02d}-lesson"
        while (folder / f"{lesson_id}.md").exists():
            number += 1
            lesson_id = f"{number:02d}-lesson"
    elif not (folder / f"{lesson_id}.md").is_file():
        raise StudioError("No such lesson.", "lesson_missing")
    head = _dump_yaml(meta)
    (folder / f"{lesson_id}.md").write_text(f"---\n{head}---\n{body.strip()}\n", "utf-8")
    en = folder / f"{lesson_id}{EN_SUFFIX}"
    if body_en.strip():
        en.write_text(body_en.strip() + "\n", "utf-8")
    else:
        en.unlink(missing_ok=True)
    _touch(draft)
    return lesson_id


def move_lesson(draft: Draft, lesson_id: str, step: int) -> None:
    """Swap a lesson with its neighbour (``step`` -1 up, +1 down) by swapping the files'
    contents: lesson ids keep their order, as the source format reads them by name."""
    _editable(draft)
    ids = [p.stem for p in lesson_files(draft)]
    if lesson_id not in ids:
        raise StudioError("No such lesson.", "lesson_missing")
    at = ids.index(lesson_id)
    other = at + step
    if not 0 <= other < len(ids):
        return
    folder = draft_root(draft) / "lessons"
    for suffix in (".md", EN_SUFFIX):
        a, b = folder / f"{ids[at]}{suffix}", folder / f"{ids[other]}{suffix}"
        texts = [p.read_text("utf-8") if p.is_file() else None for p in (a, b)]
        for path, text in zip((a, b), reversed(texts), strict=True):
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, "utf-8")
    _touch(draft)


def comments(draft: Draft) -> list[DraftComment]:
    query = select(DraftComment).where(DraftComment.draft_id == draft.id)
    return list(db.session.scalars(query.order_by(DraftComment.id)))


def move(
    draft: Draft,
    to: str,
    staff: Staff,
    notes: dict[str, str] | None = None,
    report: Report | None = None,
) -> None:
    """Move ``draft`` to state ``to`` as ``staff``; ``notes`` (lesson id or '' -> text) are
    the reviewer's comments kept with it. Publishing builds and publishes, telling
    ``report(stage, done, total)`` how far it is (studio/publishing.py runs it in the
    background). Commits; on a refusal nothing is published and the state stays."""
    rule = TRANSITIONS.get((draft.state, to))
    if rule is None or staff.role not in rule[0]:
        raise StudioError(f"A {draft.state} draft cannot become {to}.", "transition")
    if to == "submitted":
        check_source(draft)
    for lesson_id, text in (notes or {}).items():
        if text.strip():
            db.session.add(
                DraftComment(
                    draft_id=draft.id,
                    lesson_id=lesson_id,
                    body=text.strip()[:4000],
                    author=staff.username,
                    at=utcnow(),
                )
            )
    details = {"state": to}
    if to == "published":
        details["version"] = _publish(draft, report or (lambda stage, done, total: None))
    draft.state = to
    draft.updated_at = utcnow()
    publisher = db.session.get(Publisher, draft.publisher_id)
    record(rule[1], draft.pack_id, details, area=publisher, commit=False)
    db.session.commit()


def check_source(draft: Draft) -> None:
    """Raise :class:`~xuedian.packs.source.PackSourceInvalid` unless the folder builds."""
    read_source(draft_root(draft))


class _SigningKeys:
    """The instance's key ring, telling ``report`` when the builder signs the manifest."""

    def __init__(self, keyring, report: Report):
        self._keyring, self._report = keyring, report

    def sign(self, body: dict) -> dict:
        self._report("signing", 0, 1)
        return self._keyring.sign(body)


def _publish(draft: Draft, report: Report) -> int:
    """Build the draft with the next version and publish it (the caller commits). The
    stages ``report`` hears: transcoding (each lesson rendered and media file or narration
    made, ``done`` of ``total``), building, signing, publishing."""
    root = draft_root(draft)
    pack = pack_fields(draft)
    version = max(packs.current_version(draft.pack_id), draft.published_version) + 1
    _write_pack_yaml(root, {**pack, "version": version, "date": date.today()})
    settings = current_app.config["XUEDIAN"]
    out = Path(tempfile.mkdtemp(prefix="studio-", dir=current_app.instance_path))

    def progress(done: int, total: int) -> None:
        report("transcoding" if done < total else "building", done, total)

    try:
        report("transcoding", 0, 1)
        built = build(
            root,
            out,
            _SigningKeys(current_app.extensions["xuedian.keyring"], report),
            progress=progress,
            cache_dir=default_cache_dir(settings.build_cache),
        )
        report("publishing", 0, 1)
        packs.publish(built.archive)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    draft.published_version = version
    return version


def media_files(draft: Draft) -> list[dict]:
    """The pictures and recordings in the draft's ``media/``: ``{name, kind, size}``."""
    folder = draft_root(draft) / "media"
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        kind = MEDIA_KINDS.get(path.suffix.lower())
        if path.is_file() and kind and not path.name.startswith("."):
            found.append({"name": path.name, "kind": kind, "size": path.stat().st_size})
    return found


def media_name(draft: Draft, filename: str) -> str:
    """A safe, free name in the draft's ``media/`` for an upload called ``filename``
    (``Face Paint!.SVG`` -> ``face-paint.svg``, then ``-2``…); :class:`StudioError` unless
    it is a picture or a recording of the source format. Creates ``media/``."""
    _editable(draft)
    stem, dot, suffix = (filename or "").rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in MEDIA_KINDS:
        raise StudioError("Not a picture or a recording.", "media_type")
    stem = re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")[:60] or "file"
    folder = draft_root(draft) / "media"
    folder.mkdir(exist_ok=True)
    name, number = f"{stem}{suffix}", 1
    while (folder / name).exists():
        number += 1
        name = f"{stem}-{number}{suffix}"
    return name


def adopt_media(draft: Draft, filename: str, path: Path) -> str:
    """Move the finished file ``path`` (on the instance's file system: a chunked upload,
    studio/uploads.py) into ``media/`` under :func:`media_name` and return that name."""
    name = media_name(draft, filename)
    path.replace(draft_root(draft) / "media" / name)
    _touch(draft)
    return name


def save_media(draft: Draft, filename: str, stream: BinaryIO) -> str:
    """Copy an uploaded picture or recording into ``media/`` in chunks (never whole in
    memory) under a safe name, and return that name. The builder checks and transcodes it
    (packs/media.py) like any file of a pack source."""
    name = media_name(draft, filename)
    folder = draft_root(draft) / "media"
    partial = folder / f".{name}.part"  # hidden: the source reader skips it
    try:
        with partial.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        partial.replace(folder / name)
    finally:
        partial.unlink(missing_ok=True)
    _touch(draft)
    return name
