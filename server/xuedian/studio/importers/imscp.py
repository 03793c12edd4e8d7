"""IMS Content Packages and SCORM 1.2 / 2004: the default organisation's items, in order,
become lessons; pages are sanitised, and a page that needs JavaScript is named in the report.

Owns reading ``imsmanifest.xml`` (through defusedxml: no DTD, no entities) and recognising
the HotPotatoes JQuiz multiple-choice data inside a page.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ...errors import ImportInvalid, ImportUnsafe
from .common import LessonDraft, PackWriter, Question, Report, licence_from_text, pack_id
from .htmlmd import javascript_signs, plain, to_markdown
from .safezip import SafeZip, check_svgs

_JQUIZ_ANSWER = re.compile(
    r"I\[(\d+)\]\[3\]\[(\d+)\]=new Array\('((?:[^'\\]|\\.)*)','((?:[^'\\]|\\.)*)',(\d)"
)
_JQUIZ_TYPE = re.compile(r"I\[(\d+)\]\[2\]='(\d)'")
_JQUIZ_TEXT = re.compile(
    r'<li class="QuizQuestion" id="Q_(\d+)"[^>]*><div class="QuestionText">(.*?)</div>', re.S
)
_HTML = (".html", ".htm", ".xhtml")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node, name: str) -> list:
    return [child for child in node if _local(child.tag) == name]


def _first_text(node, name: str) -> str:
    for element in node.iter():
        if _local(element.tag) == name and (element.text or "").strip():
            return element.text.strip()
    return ""


def read_manifest(package: SafeZip):
    """Return the parsed manifest. Raises import-invalid or, for DTDs/entities, import-unsafe."""
    if not package.has("imsmanifest.xml"):
        raise ImportInvalid("the package has no imsmanifest.xml at its root")
    try:
        return fromstring(package.read("imsmanifest.xml"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportUnsafe("imsmanifest.xml declares a DTD or entities (refused)") from exc
    except (ParseError, ValueError) as exc:
        raise ImportInvalid(f"imsmanifest.xml is not well-formed XML ({exc})") from exc


def _flavour(root) -> str:
    version = _first_text(root, "schemaversion")
    attrs = " ".join(f"{k} {v}" for e in root.iter() for k, v in e.attrib.items())
    if "2004" in version or "adlcp_v1p3" in attrs:
        return "SCORM 2004"
    if version == "1.2" or "adlcp_rootv1p2" in attrs or "scormtype" in attrs.lower():
        return "SCORM 1.2"
    return "IMS Content Package"


def _items(node, path: tuple[str, ...] = ()):
    """Yield (item, titles above it) depth first, in the manifest's order."""
    for item in _children(node, "item"):
        title = _first_text(item, "title") if _children(item, "title") else ""
        yield item, path
        yield from _items(item, (*path, title))


def jquiz(page: str) -> list[Question]:
    """Return the multiple-choice questions of a HotPotatoes JQuiz page (its data array)."""
    texts = {int(n): plain(t) for n, t in _JQUIZ_TEXT.findall(page)}
    types = {int(n): kind for n, kind in _JQUIZ_TYPE.findall(page)}
    answers: dict[int, list[tuple[str, str, bool]]] = {}
    for q, _a, text, feedback, correct in _JQUIZ_ANSWER.findall(page):
        answers.setdefault(int(q), []).append((plain(text), plain(feedback), correct == "1"))
    questions = []
    for number in sorted(answers):
        choices = answers[number]
        right = [i for i, choice in enumerate(choices) if choice[2]]
        if types.get(number) != "0" or len(right) != 1 or not texts.get(number):
            continue
        feedback = choices[right[0]][1]
        questions.append(Question(texts[number], [c[0] for c in choices][:6], right[0], feedback))
    return [q for q in questions if q.answer < len(q.choices)]


def import_imscp(path: Path, writer: PackWriter, options) -> tuple[Report, dict]:
    package = SafeZip(path)
    try:
        return _import(path, package, writer, options)
    finally:
        package.close()


def _import(path: Path, package: SafeZip, writer: PackWriter, options) -> tuple[Report, dict]:
    root = read_manifest(package)
    if _local(root.tag) != "manifest":
        raise ImportInvalid("imsmanifest.xml has no <manifest> root")
    report = Report(format=_flavour(root), source=path.name)
    report.language = _language(root)
    resources = {
        r.get("identifier"): (section.get(_XML_BASE) or "", r)
        for section in _children(root, "resources")
        for r in _children(section, "resource")
    }
    organisations = [
        o for s in _children(root, "organizations") for o in _children(s, "organization")
    ]
    if not organisations:
        raise ImportInvalid("imsmanifest.xml has no <organization>")
    default = next(
        (s.get("default") for s in _children(root, "organizations") if s.get("default")), None
    )
    organisation = next(
        (o for o in organisations if o.get("identifier") == default), organisations[0]
    )
    metadata = _children(root, "metadata")
    lom_title = " ".join(_first_text(m, "langstring") or _first_text(m, "string") for m in metadata)
    report.title = lom_title.strip() or _first_text(organisation, "title") or path.stem
    report.licence = licence_from_text(" ".join(_first_text(m, "description") for m in metadata))
    seen: set[str] = set()
    for item, above in _items(organisation):
        title = (
            _first_text(item, "title") if _children(item, "title") else item.get("identifier", "")
        )
        if item.get("isvisible", "true").lower() == "false":
            report.leave_out(title, "hidden in the organisation (isvisible=false)")
            continue
        ref = item.get("identifierref")
        if not ref:
            continue  # a folder: its children become the lessons
        if len(writer.lessons) >= options.max_lessons:
            report.leave_out(title, f"past --max-lessons {options.max_lessons}")
            continue
        outer, resource = resources.get(ref, ("", None))
        if resource is None or not resource.get("href"):
            report.leave_out(title, f"names the resource {ref!r}, which has no page")
            continue
        base = posixpath.join(outer, resource.get(_XML_BASE) or "")
        href = posixpath.normpath(
            posixpath.join(base, unquote(urlsplit(resource.get("href")).path))
        )
        if href in seen:
            continue
        seen.add(href)
        if not href.lower().endswith(_HTML) or not package.has(href):
            report.leave_out(f"{title} ({href})", "not an HTML page in the package")
            continue
        page = package.text(href)
        signs = javascript_signs(page)
        quiz = jquiz(page) if "CheckMCAnswer" in page else []
        if signs:
            report.needs_javascript.append({"item": f"{title} ({href})", "signs": signs})
        if "I=new Array()" in page and not quiz:
            report.leave_out(
                f"{title} ({href})", "a HotPotatoes exercise other than multiple choice"
            )
        if not report.licence:
            report.licence = licence_from_text(_license_link(page))

        def image(src: str, href=href) -> str | None:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(href), unquote(urlsplit(src).path))
            )
            if urlsplit(src).scheme or not package.has(target):
                report.leave_out(src, "a picture outside the package")
                return None
            return writer.picture(target, package.read(target), report)

        # A quiz page's body is its buttons and answers; the questions move to the quiz.
        body = f"{len(quiz)} questions from the exercise." if quiz else to_markdown(page, image)
        if not body.strip() and not quiz:
            report.leave_out(f"{title} ({href})", "the page has no text once sanitised")
            continue
        origin = " › ".join([*[a for a in above if a], title]) + f" ({href})"
        writer.add(LessonDraft(title, body, origin, quiz))
    check_svgs(package)
    meta = {"id": pack_id(report.title, path.stem, source=path), "title": report.title}
    return report, meta


def _language(root) -> str:
    for element in root.iter():
        if _local(element.tag) == "language" and (element.text or "").strip():
            return element.text.strip()
        lang = element.get(_XML_BASE.replace("base", "lang"))
        if lang:
            return lang
    return ""


def _license_link(page: str) -> str:
    match = re.search(r"<a[^>]+rel=[\"']license[\"'][^>]*>", page, re.I)
    return match.group(0) if match else ""
