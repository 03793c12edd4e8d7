"""Reading a pack source folder: ``pack.yaml``, ``lessons/*.md`` with front matter, media.

Errors name the file and the field, so an author can fix them without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import ValidationError as MarshmallowError

from ..errors import XuedianError
from .schemas import LessonFrontMatter, PackSource


class PackSourceInvalid(XuedianError):
    code = "pack-source-invalid"
    status = 400
    message = "The pack source is not valid."

    def __init__(self, file: Path | str, problems: dict | str):
        text = problems if isinstance(problems, str) else _flatten(problems)
        super().__init__(f"{file}: {text}", file=str(file), problems=problems)


def _flatten(problems: dict, prefix: str = "") -> str:
    parts = []
    for key, value in problems.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            parts.append(_flatten(value, name))
        else:
            parts.append(f"{name}: {' '.join(map(str, value))}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Lesson:
    id: str
    meta: dict
    body: str
    source: Path


@dataclass(frozen=True)
class Source:
    root: Path
    pack: dict
    lessons: list[Lesson]
    media: list[Path]


def _yaml(path: Path, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PackSourceInvalid(path, f"not valid YAML ({exc.__class__.__name__})") from exc


def _load(schema, path: Path, value) -> dict:
    if not isinstance(value, dict):
        raise PackSourceInvalid(path, "must be a mapping of fields")
    try:
        return schema.load(value)
    except MarshmallowError as exc:
        raise PackSourceInvalid(path, exc.normalized_messages()) from exc


def split_front_matter(path: Path, text: str) -> tuple[dict, str]:
    """Return (front matter, Markdown body) of a lesson file."""
    if not text.startswith("---\n"):
        raise PackSourceInvalid(path, "must start with a '---' front matter block")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise PackSourceInvalid(path, "front matter block is not closed with '---'")
    return _yaml(path, head) or {}, body


def read_source(root: Path) -> Source:
    """Return the validated source of the pack in ``root``. Raises :class:`PackSourceInvalid`."""
    root = Path(root)
    pack_file = root / "pack.yaml"
    if not pack_file.is_file():
        raise PackSourceInvalid(pack_file, "file is missing")
    pack = _load(PackSource(), pack_file, _yaml(pack_file, pack_file.read_text("utf-8")))
    lesson_files = sorted((root / "lessons").glob("*.md"))
    if not lesson_files:
        raise PackSourceInvalid(root / "lessons", "a pack needs at least one lesson")
    lessons = []
    for path in lesson_files:
        meta, body = split_front_matter(path, path.read_text("utf-8"))
        meta = _load(LessonFrontMatter(), path, meta)
        if "audio" in meta and not (root / "media" / meta["audio"]).is_file():
            raise PackSourceInvalid(path, f"audio: media/{meta['audio']} does not exist")
        lessons.append(Lesson(id=path.stem, meta=meta, body=body, source=path))
    media_dir = root / "media"
    media = sorted(p for p in media_dir.rglob("*") if p.is_file()) if media_dir.is_dir() else []
    return Source(root=root, pack=pack, lessons=lessons, media=media)
