"""ZIM archives (Kiwix) through libzim: the archive must pass ``Archive.check()``, then its
HTML articles, main page first, become lessons (at most ``--max-lessons``) and its metadata
fills ``pack.yaml``.

Owns reading a ZIM: which entries are articles, where their pictures are, which metadata
names map to which pack field.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ...errors import ImportInvalid
from .common import LessonDraft, PackWriter, Report, licence_from_text, pack_id, parse_date
from .htmlmd import javascript_signs, to_markdown

MAX_ARTICLE_BYTES = 4 * 1024 * 1024


def _open(path: Path):
    from libzim.reader import Archive

    try:
        archive = Archive(str(path))
        valid = archive.check()
    except Exception as exc:  # libzim raises RuntimeError and others for damaged files
        raise ImportInvalid(f"not a readable ZIM archive ({exc})") from exc
    if not valid:
        raise ImportInvalid("the archive failed the ZIM integrity check (Archive.check())")
    return archive


def _metadata(archive, name: str) -> str:
    if name not in archive.metadata_keys:
        return ""
    try:
        return bytes(archive.get_metadata(name)).decode("utf-8", errors="replace").strip()
    except Exception:
        return ""


def _articles(archive):
    """Yield (path, title, entry) of every HTML article, the main page first."""
    seen = set()
    if archive.has_main_entry:
        main = archive.main_entry
        entry = main.get_redirect_entry() if main.is_redirect else main
        seen.add(entry.path)
        yield entry
    for number in range(archive.all_entry_count):
        entry = archive._get_entry_by_id(number)
        if entry.is_redirect or entry.path in seen:
            continue
        if entry.get_item().mimetype.split(";")[0].strip() == "text/html":
            yield entry


def import_zim(path: Path, writer: PackWriter, options) -> tuple[Report, dict]:
    archive = _open(path)
    report = Report(format="ZIM", source=path.name)
    report.title = _metadata(archive, "Title") or path.stem
    report.language = _metadata(archive, "Language")
    report.licence = _metadata(archive, "License") or licence_from_text(
        _metadata(archive, "Description") + " " + _metadata(archive, "Source")
    )
    for entry in _articles(archive):
        if len(writer.lessons) >= options.max_lessons:
            break  # a large archive holds millions of entries: stop, do not count them
        item = entry.get_item()
        if item.size > MAX_ARTICLE_BYTES:
            report.leave_out(entry.path, "an article larger than 4 MB")
            continue
        page = bytes(item.content).decode("utf-8", errors="replace")
        if not report.licence:
            # Wikimedia pages carry their licence as a link in the footer.
            report.licence = licence_from_text(page)
        signs = javascript_signs(page)
        if signs:
            report.needs_javascript.append({"item": entry.path, "signs": signs})

        def image(src: str, base=entry.path) -> str | None:
            parts = urlsplit(src)
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(base), unquote(parts.path))
            )
            if parts.scheme or target.startswith("..") or not archive.has_entry_by_path(target):
                report.leave_out(src, "a picture outside the archive")
                return None
            picture = archive.get_entry_by_path(target).get_item()
            return writer.picture(target, bytes(picture.content), report)

        body = to_markdown(page, image)
        if not body.strip():
            report.leave_out(entry.path, "the article has no text once sanitised")
            continue
        writer.add(LessonDraft(entry.title or entry.path, body, entry.path))
    if len(writer.lessons) >= options.max_lessons and archive.article_count > options.max_lessons:
        report.notes.append(
            f"the archive has {archive.article_count} articles; only the first "
            f"{options.max_lessons} became lessons (--max-lessons)"
        )
    creator = _metadata(archive, "Creator") or _metadata(archive, "Publisher")
    meta = {
        "id": pack_id(_metadata(archive, "Name"), report.title, path.stem, source=path),
        "title": report.title,
        "description": _metadata(archive, "Description"),
        "date": parse_date(_metadata(archive, "Date")),
        "authors": [creator] if creator else None,
    }
    return report, meta
