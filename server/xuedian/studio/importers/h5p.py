"""H5P packages: MultiChoice, TrueFalse, Blanks and DragText (and those inside a
QuestionSet) become multiple-choice quizzes; any other content type is named in the report.

Owns the mapping of H5P parameters to our one quiz type. A blank to fill or a word to drag
becomes a question whose choices are the right word and, as distractors, the words of the
other blanks (and DragText's own distractors). The bundled libraries, JavaScript and all,
are never copied.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ...errors import ImportInvalid
from .common import LessonDraft, PackWriter, Question, Report, licence_from_text, pack_id
from .htmlmd import plain, to_markdown
from .safezip import SafeZip, check_svgs

_STAR = re.compile(r"\*([^*]+)\*")
_LICENCES = {"U": "", "C": "all rights reserved", "PD": "public domain", "ODC PDDL": "ODC-PDDL"}
SUPPORTED = ("H5P.MultiChoice", "H5P.TrueFalse", "H5P.Blanks", "H5P.DragText", "H5P.QuestionSet")
MAX_DISTRACTORS = 3


def _json(package: SafeZip, name: str) -> dict:
    if not package.has(name):
        raise ImportInvalid(f"the H5P package has no {name}")
    try:
        value = json.loads(package.read(name))
    except ValueError as exc:
        raise ImportInvalid(f"{name} is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ImportInvalid(f"{name} is not a JSON object")
    return value


def _licence(info: dict) -> str:
    code = str(info.get("license") or "").strip()
    if code.startswith("CC "):
        name = "CC-" + code[3:].replace(" ", "-")
        version = str(info.get("licenseVersion") or "").strip()
        return f"{name}-{version}" if version else name
    if code.startswith("CC0"):
        return "CC0-1.0"
    return _LICENCES.get(code, code) or licence_from_text(json.dumps(info))


def multichoice(params: dict) -> tuple[list[Question], str]:
    answers = [a for a in params.get("answers") or [] if isinstance(a, dict)]
    right = [a for a in answers if a.get("correct")]
    if len(right) != 1:
        return [], "a multiple choice with more than one right answer (ours has exactly one)"
    wrong = [a for a in answers if not a.get("correct")][:5]
    keep = [a for a in answers if a is right[0] or any(a is w for w in wrong)]
    feedback = (right[0].get("tipsAndFeedback") or {}).get("chosenFeedback", "")
    question = Question(
        plain(params.get("question", "")),
        [plain(a.get("text", "")) for a in keep],
        keep.index(right[0]),
        plain(feedback),
    )
    return [question], ""


def truefalse(params: dict) -> tuple[list[Question], str]:
    correct = str(params.get("correct", "true")).lower() == "true"
    question = Question(
        plain(params.get("question", "")), ["True", "False"], 0 if correct else 1, ""
    )
    return [question], ""


def _blanks(sentences: list[str], extra: list[str]) -> tuple[list[Question], str]:
    """Each ``*answer*`` (``*a/b:tip*``) in the sentences becomes one question."""
    found = []
    for sentence in sentences:
        for match in _STAR.finditer(sentence):
            raw, _, tip = match.group(1).partition(":")
            found.append((sentence, match, raw.split("/")[0].strip(), plain(tip)))
    words = list(dict.fromkeys([f[2] for f in found] + extra))
    questions = []
    for sentence, match, answer, tip in found:
        others = [w for w in words if w != answer][:MAX_DISTRACTORS]
        if not others:
            continue
        prompt = plain(sentence[: match.start()] + "____" + sentence[match.end() :])
        prompt = _STAR.sub(lambda m: m.group(1).split(":")[0].split("/")[0], prompt)
        choices = sorted([answer, *others], key=str.casefold)
        questions.append(Question(prompt, choices, choices.index(answer), tip))
    if not questions:
        return [], "no blank has another word to offer as a wrong choice"
    return questions, ""


def blanks(params: dict) -> tuple[list[Question], str]:
    return _blanks([str(q) for q in params.get("questions") or []], [])


def dragtext(params: dict) -> tuple[list[Question], str]:
    lines = str(params.get("textField", "")).split("\n")
    extra = [m.strip() for m in _STAR.findall(str(params.get("distractors", "")))]
    return _blanks(lines, extra)


MAPPERS = {
    "H5P.MultiChoice": multichoice,
    "H5P.TrueFalse": truefalse,
    "H5P.Blanks": blanks,
    "H5P.DragText": dragtext,
}
_INTRO = {"H5P.Blanks": "text", "H5P.DragText": "taskDescription"}


def import_h5p(path: Path, writer: PackWriter, options) -> tuple[Report, dict]:
    package = SafeZip(path)
    try:
        info = _json(package, "h5p.json")
        content = _json(package, "content/content.json")
        main = str(info.get("mainLibrary") or "")
        report = Report(format=f"H5P ({main or 'no main library'})", source=path.name)
        report.title = plain(str(info.get("title") or "")) or path.stem
        report.language = str(info.get("language") or "")
        report.licence = _licence(info)
        scripts = [n for n in package.names() if n.lower().endswith((".js", ".mjs"))]
        libraries = {n.split("/", 1)[0] for n in package.names() if "/" in n} - {"content"}
        report.notes.append(
            f"{len(libraries)} bundled libraries and {len(scripts)} JavaScript files left out: "
            "our lessons never run package code"
        )
        if main == "H5P.QuestionSet":
            parts = [
                (str(q.get("library", "")).split(" ")[0], q.get("params") or {})
                for q in content.get("questions") or []
                if isinstance(q, dict)
            ]
        else:
            parts = [(main, content)]
        _lessons(parts, report, writer, options)
        check_svgs(package)
        if main in ("H5P.DragText", "H5P.Blanks"):
            report.notes.append(
                f"{main}: each blank became a multiple-choice question whose choices are the "
                "right word and the words of the other blanks (our quizzes have one type)"
            )
        authors = [a.get("name") for a in info.get("authors") or [] if isinstance(a, dict)]
        meta = {
            "id": pack_id(report.title, path.stem, source=path),
            "title": report.title,
            "authors": [a for a in authors if a] or None,
        }
        return report, meta
    finally:
        package.close()


def _lessons(parts, report: Report, writer: PackWriter, options) -> None:
    quiz: list[Question] = []
    intro = ""
    for number, (library, params) in enumerate(parts, 1):
        name = f"{library or 'unknown'} #{number}"
        mapper = MAPPERS.get(library)
        if mapper is None or not isinstance(params, dict):
            report.leave_out(name, f"the content type {library or '?'} has no lesson or quiz form")
            continue
        questions, why = mapper(params)
        questions = [q for q in questions if q.prompt and all(q.choices)]
        if not questions:
            report.leave_out(name, why or "the question has no text")
            continue
        quiz += questions
        media = params.get("media")
        if isinstance(media, dict) and (media.get("type") or media.get("file")):
            report.leave_out(
                f"{name} media", "pictures and videos of H5P questions are not imported"
            )
        if not intro and library in _INTRO:
            intro = to_markdown(str(params.get(_INTRO[library]) or ""), lambda src: None)
    if quiz:
        body = intro or "Answer the questions below."
        writer.add(
            LessonDraft(report.title, body, f"{report.format}", quiz[: 10 * options.max_lessons])
        )
