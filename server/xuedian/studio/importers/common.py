"""What every importer shares: the import report, the lessons and quizzes it collects, and
writing them as a pack source folder (``pack.yaml``, ``lessons/*.md``, ``media/``).

Owns the staging folder: everything is written into a temporary folder beside ``--out``
and renamed into place only when the whole import succeeded, so a refused package leaves
nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from ...errors import ImportInvalid, ImportUnsafe, ImportUnsupported
from ...packs.media import TranscodeFailed, Transcoder
from ...packs.schemas import CHOICES, MAX_QUIZ_QUESTIONS

REPORT_NAME = "import-report.json"
MAX_IMAGE_BYTES = 16 * 1024 * 1024
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg")
_SVG_DANGER = re.compile(
    rb"<script|\son[a-z]+\s*=|javascript:|<foreignObject|<!ENTITY|xlink:href\s*=\s*[\"']?(?!#)",
    re.I,
)
_CC = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d\.\d)?", re.I)


@dataclass
class Question:
    """One multiple-choice question: plain-text prompt, 2–6 choices, the right one."""

    prompt: str
    choices: list[str]
    answer: int
    explanation: str


@dataclass
class LessonDraft:
    title: str
    body: str
    origin: str
    quiz: list[Question] = field(default_factory=list)


@dataclass
class Report:
    """What the import found, made and left out; printed and saved as import-report.json."""

    format: str
    source: str
    title: str = ""
    licence: str = ""
    language: str = ""
    lessons: list[dict] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)
    needs_javascript: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def leave_out(self, item: str, reason: str) -> None:
        self.left_out.append({"item": item, "reason": reason})

    def lines(self) -> list[str]:
        """Return the report as lines of text for the terminal."""
        out = [
            f"imported {self.source} ({self.format}): {self.title}",
            f"licence: {self.licence}",
            f"{len(self.lessons)} lessons, "
            f"{sum(len(lesson['quiz']) for lesson in self.lessons)} quiz questions",
        ]
        out += [f"  {d['id']} ← {d['from']} ({len(d['quiz'])} questions)" for d in self.lessons]
        out += [
            f"needs JavaScript: {d['item']} ({', '.join(d['signs'])})"
            for d in self.needs_javascript
        ]
        out += [f"left out: {d['item']}: {d['reason']}" for d in self.left_out]
        out += [f"note: {note}" for note in self.notes]
        return out


def licence_from_text(text: str) -> str:
    """Return an SPDX-like name for a Creative Commons licence URL in ``text``, or ''."""
    match = _CC.search(text or "")
    if not match:
        return ""
    kind, version = match.group(2).upper(), match.group(3) or ""
    if match.group(1).lower() == "publicdomain":
        return "CC0-1.0" if kind == "ZERO" else "public domain"
    return f"CC-{kind}-{version}".rstrip("-")


def slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def pack_id(*names: str, source: Path) -> str:
    for name in names:
        candidate = slug(name or "", 60)
        if len(candidate) >= 2:
            return candidate
    return "imported-" + hashlib.sha256(source.name.encode()).hexdigest()[:8]


def check_svg(name: str, data: bytes) -> None:
    """Refuse an SVG that carries scripts, handlers, entities or links out."""
    if _SVG_DANGER.search(data):
        raise ImportUnsafe(f"the picture {name!r} is an SVG with script or external content")


class PackWriter:
    """Collects lessons and pictures in a staging folder, then writes the pack source."""

    def __init__(self, out: Path, cache_dir: Path):
        self.out = Path(out)
        if self.out.exists() and (not self.out.is_dir() or any(self.out.iterdir())):
            raise ImportInvalid(f"{self.out} exists and is not an empty folder")
        if not self.out.parent.is_dir():
            raise ImportInvalid(f"the folder {self.out.parent} does not exist")
        self.stage = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.import-", dir=self.out.parent))
        (self.stage / "lessons").mkdir()
        (self.stage / "media").mkdir()
        self.transcoder = Transcoder(cache_dir)
        self.lessons: list[LessonDraft] = []
        self.pictures: dict[bytes, str] = {}

    def picture(self, name: str, data: bytes, report: Report) -> str | None:
        """Return ``media/<n>.webp`` for a picture transcoded through the pack image path,
        or None (and a line in the report) when it cannot be used."""
        suffix = Path(name).suffix.lower()
        if suffix not in IMAGE_TYPES:
            report.leave_out(name, f"not a picture type the importer takes ({suffix or 'none'})")
            return None
        if suffix == ".svg":
            check_svg(name, data)
        if len(data) > MAX_IMAGE_BYTES:
            report.leave_out(name, "picture larger than 16 MB")
            return None
        digest = hashlib.sha256(data).digest()
        if digest in self.pictures:
            return self.pictures[digest]
        source = self.stage / f"picture{suffix}"
        source.write_bytes(data)
        try:
            output = self.transcoder.image(source)
        except TranscodeFailed:
            report.leave_out(name, "the picture could not be decoded")
            return None
        finally:
            source.unlink()
        ref = f"media/{len(self.pictures) + 1:03d}-{slug(Path(name).stem, 30) or 'picture'}.webp"
        (self.stage / ref).write_bytes(output.data)
        self.pictures[digest] = ref
        return ref

    def add(self, lesson: LessonDraft) -> None:
        """Add a lesson; a quiz longer than a lesson may hold continues in further lessons."""
        quiz = [q for q in lesson.quiz if CHOICES[0] <= len(q.choices) <= CHOICES[1]]
        first, rest = quiz[:MAX_QUIZ_QUESTIONS], quiz[MAX_QUIZ_QUESTIONS:]
        self.lessons.append(LessonDraft(lesson.title, lesson.body, lesson.origin, first))
        part = 2
        while rest:
            chunk, rest = rest[:MAX_QUIZ_QUESTIONS], rest[MAX_QUIZ_QUESTIONS:]
            title = f"{lesson.title} ({part})"
            self.lessons.append(LessonDraft(title, "Quiz, continued.", lesson.origin, chunk))
            part += 1

    def finish(self, report: Report, meta: dict) -> Report:
        """Write pack.yaml, the lessons and the report, then move the folder into place."""
        if not self.lessons:
            raise ImportUnsupported("the package holds no page or quiz the importers can use")
        width = max(2, len(str(len(self.lessons))))
        # The synthesised voice speaks Mandarin: it reads a Chinese body, but would read any
        # other language as noise for minutes, so other lessons narrate just their title.
        chinese = report.language.lower().startswith(("zh", "zho", "chi", "cmn"))
        if not chinese:
            report.notes.append(
                f"content language {report.language or 'not given'}: the synthesised Mandarin "
                "narration reads only each lesson's title; record narration in the studio"
            )
        for number, lesson in enumerate(self.lessons, 1):
            lesson_id = f"{number:0{width}d}-{slug(lesson.title) or 'lesson'}"
            front = {"title": _both(lesson.title)}
            if not chinese:
                front["narration"] = " ".join(lesson.title.split())[:200]
            if lesson.quiz:
                front["quiz"] = [_question(q) for q in lesson.quiz]
            text = "---\n" + _dump(front) + "---\n" + (lesson.body.strip() or lesson.title) + "\n"
            (self.stage / "lessons" / f"{lesson_id}.md").write_text(text, "utf-8")
            report.lessons.append(
                {
                    "id": lesson_id,
                    "title": lesson.title,
                    "from": lesson.origin,
                    "quiz": [q.prompt for q in lesson.quiz],
                }
            )
        report.licence = report.licence or "unknown"
        if report.licence == "unknown":
            report.notes.append("no licence found: check the licence before publishing")
        title = meta.get("title") or report.title or "Imported course"
        pack = {
            "id": meta["id"],
            "version": 1,
            "date": meta.get("date") or dt.date.today(),
            "title": _both(title),
            "description": _both(meta.get("description") or f"Imported from {report.source}"),
            "category": meta.get("category", "local"),
            "credit_hours": round(max(0.1, 0.1 * len(self.lessons)), 1),
            "license": report.licence,
            "authors": meta.get("authors") or ["unknown"],
        }
        (self.stage / "pack.yaml").write_text(_dump(pack), "utf-8")
        (self.stage / REPORT_NAME).write_text(
            json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        if self.out.exists():
            self.out.rmdir()
        self.stage.rename(self.out)
        return report

    def abandon(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


def _both(text: str) -> dict:
    text = " ".join(str(text).split())[:500] or "-"
    return {"zh-CN": text, "en": text}


def _question(q: Question) -> dict:
    return {
        "prompt": _both(q.prompt),
        "choices": [_both(c) for c in q.choices],
        "answer": q.answer,
        "explanation": _both(q.explanation or f"The answer is: {q.choices[q.answer]}"),
    }


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
