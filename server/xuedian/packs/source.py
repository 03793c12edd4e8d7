"""Reading a pack source folder: ``pack.yaml``, ``lessons/*.md`` with front matter, English
bodies in ``lessons/*.en.md``, and ``media/``.

Errors name the file (relative to the pack folder) and the field, so an author can fix
them without reading code: ``lessons/02-x.md: quiz.0.answer: must be between 0 and 2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from marshmallow import ValidationError as MarshmallowError

from ..errors import XuedianError
from .render import has_title_heading, media_links
from .schemas import LESSON_ID, LessonFrontMatter, PackSource

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
AUDIO_SUFFIXES = (".wav", ".mp3", ".ogg", ".opus", ".webm", ".m4a", ".flac")
EN_SUFFIX = ".en.md"


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
        path = [prefix] if prefix else []
        if key != "_schema":  # "_schema" is a rule over a whole object: name the object
            path.append(str(key))
        name = ".".join(path) or "(file)"
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
    body_en: str | None = None


@dataclass(frozen=True)
class Source:
    root: Path
    pack: dict
    lessons: list[Lesson]
    media: list[Path]

    def name(self, path: Path) -> str:
        """Return ``path`` relative to the pack folder, as errors and the manifest name it."""
        return path.relative_to(self.root).as_posix()


def _yaml(name: str, text: str):
    import yaml  # here, not at the top: a serving worker reads no pack source until asked

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PackSourceInvalid(name, f"not valid YAML ({exc.__class__.__name__})") from exc


def _load(schema, name: str, value) -> dict:
    if not isinstance(value, dict):
        raise PackSourceInvalid(name, "must be a mapping of fields")
    try:
        return schema.load(value)
    except MarshmallowError as exc:
        raise PackSourceInvalid(name, exc.normalized_messages()) from exc


def split_front_matter(name: str, text: str) -> tuple[dict, str]:
    """Return (front matter, Markdown body) of a lesson file."""
    if not text.startswith("---\n"):
        raise PackSourceInvalid(name, "must start with a '---' front matter block")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise PackSourceInvalid(name, "front matter block is not closed with '---'")
    return _yaml(name, head) or {}, body


def _media_file(root: Path, ref: str) -> Path | None:
    """Return the file ``ref`` (``media/…``) names inside ``root/media``, None if it does not."""
    parts = PurePosixPath(ref).parts
    if len(parts) < 2 or parts[0] != "media" or any(p.startswith(".") for p in parts):
        return None  # also refuses "..", and hidden files, which the build leaves out
    path = root.joinpath(*parts)
    return path if path.is_file() else None


def _check_body(root: Path, name: str, body: str) -> None:
    if has_title_heading(body):
        raise PackSourceInvalid(
            name, "no level-1 heading (# …) in the body: the app shows the title"
        )
    for kind, url in media_links(body):
        if kind == "image" and not url.startswith("media/"):
            raise PackSourceInvalid(name, f"image {url[:200]}: must be a file under media/")
        if not url.startswith("media/"):
            continue
        path = _media_file(root, url)
        if path is None:
            raise PackSourceInvalid(name, f"{kind} {url[:200]}: no such file")
        if kind == "image" and path.suffix.lower() not in IMAGE_SUFFIXES:
            raise PackSourceInvalid(
                name, f"image {url}: not an image ({', '.join(IMAGE_SUFFIXES)})"
            )


def _read_lesson(root: Path, path: Path, en_bodies: dict[str, Path]) -> Lesson:
    name = path.relative_to(root).as_posix()
    if not LESSON_ID.match(path.stem):
        raise PackSourceInvalid(name, "file name must be lowercase letters, digits and '-'")
    meta, body = split_front_matter(name, path.read_text("utf-8"))
    meta = _load(LessonFrontMatter(), name, meta)
    if "audio" in meta:
        ref = meta["audio"].removeprefix("media/")
        audio = _media_file(root, f"media/{ref}")
        if audio is None:
            raise PackSourceInvalid(name, f"audio: media/{ref} does not exist")
        meta["audio"] = ref
        if audio.suffix.lower() not in AUDIO_SUFFIXES:
            raise PackSourceInvalid(name, f"audio: must be one of {', '.join(AUDIO_SUFFIXES)}")
    if not body.strip():
        raise PackSourceInvalid(name, "the lesson body is empty")
    _check_body(root, name, body)
    body_en = None
    if path.stem in en_bodies:
        en_path = en_bodies.pop(path.stem)
        en_name = en_path.relative_to(root).as_posix()
        body_en = en_path.read_text("utf-8")
        if body_en.startswith("---\n"):
            raise PackSourceInvalid(en_name, f"must not have front matter (it belongs in {name})")
        if not body_en.strip():
            raise PackSourceInvalid(en_name, "the English body is empty")
        _check_body(root, en_name, body_en)
    return Lesson(id=path.stem, meta=meta, body=body, source=path, body_en=body_en)


def _read_media(root: Path) -> list[Path]:
    folder = root / "media"
    if not folder.is_dir():
        return []
    media = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue  # editor and OS leftovers (.DS_Store, .swp) are not content
        if path.suffix.lower() not in IMAGE_SUFFIXES + AUDIO_SUFFIXES:
            raise PackSourceInvalid(
                relative.as_posix(),
                f"unsupported media type; use {', '.join(IMAGE_SUFFIXES + AUDIO_SUFFIXES)}",
            )
        media.append(path)
    return media


def _check_route(root: Path, route: dict, lesson_ids: set[str]) -> None:
    """Check that a route's map, photos, audio and lessons name real files and lessons."""

    def media(field: str, ref: str, suffixes: tuple[str, ...], kind: str) -> None:
        if _media_file(root, ref) is None:
            raise PackSourceInvalid(
                "pack.yaml", f"{field}: {ref[:200]} does not exist under media/"
            )
        if PurePosixPath(ref).suffix.lower() not in suffixes:
            raise PackSourceInvalid(
                "pack.yaml", f"{field}: {ref} is not {kind} ({', '.join(suffixes)})"
            )

    media("route.map", route["map"], IMAGE_SUFFIXES, "an image")
    for number, site in enumerate(route["sites"]):
        where = f"route.sites.{number}"
        media(f"{where}.photo", site["photo"], IMAGE_SUFFIXES, "an image")
        if "audio" in site:
            media(f"{where}.audio", site["audio"], AUDIO_SUFFIXES, "audio")
        if site["lesson"] not in lesson_ids:
            raise PackSourceInvalid(
                "pack.yaml", f"{where}.lesson: no lesson lessons/{site['lesson']}.md"
            )


def read_source(root: Path) -> Source:
    """Return the validated source of the pack in ``root``. Raises :class:`PackSourceInvalid`."""
    root = Path(root)
    if not (root / "pack.yaml").is_file():
        raise PackSourceInvalid("pack.yaml", "file is missing")
    pack = _load(
        PackSource(), "pack.yaml", _yaml("pack.yaml", (root / "pack.yaml").read_text("utf-8"))
    )
    files = sorted((root / "lessons").glob("*.md"))
    en_bodies = {p.name[: -len(EN_SUFFIX)]: p for p in files if p.name.endswith(EN_SUFFIX)}
    lesson_files = [p for p in files if not p.name.endswith(EN_SUFFIX)]
    if not lesson_files:
        raise PackSourceInvalid("lessons/", "a pack needs at least one lesson")
    lessons = [_read_lesson(root, path, en_bodies) for path in lesson_files]
    if en_bodies:
        stem, path = min(en_bodies.items())
        raise PackSourceInvalid(
            path.relative_to(root).as_posix(), f"no lesson lessons/{stem}.md for this English body"
        )
    if "route" in pack:
        _check_route(root, pack["route"], {lesson.id for lesson in lessons})
    return Source(root=root, pack=pack, lessons=lessons, media=_read_media(root))
