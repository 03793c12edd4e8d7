"""Imported HTML to lesson Markdown: the page goes through the pack renderer's sanitiser
(packs/render.py, the one allow-list), then the few tags left become CommonMark.

Owns nothing but the mapping; images are resolved by the caller's ``image`` callback.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import quote, unquote

from ...packs.render import IMAGE_PREFIX, sanitise

_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I)
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.S | re.I)
#: Site navigation repeats on every page of an exported site: it is not lesson text.
_NAV = re.compile(r"<nav\b.*?</nav\s*>", re.S | re.I)
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.M)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "blockquote", "pre", "figure", "figcaption", "table"}
_HEADING = {"h1": "## ", "h2": "## ", "h3": "### ", "h4": "#### "}

#: What marks a page as needing JavaScript to work, named in the report.
JS_SIGNS = {
    "script": re.compile(r"<script\b", re.I),
    "event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "iframe": re.compile(r"<(iframe|object|embed)\b", re.I),
    "SCORM API call": re.compile(r"\bLMS(Initialize|SetValue|GetValue|Commit|Finish)\b|\bdoLMS"),
}
_SCRIPT_BLOCK = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)


def javascript_signs(page: str) -> list[str]:
    """Return what in ``page`` needs JavaScript (scripts, handlers, frames, SCORM calls)."""
    found = [
        name for name, sign in JS_SIGNS.items() if name != "event handler" and sign.search(page)
    ]
    if JS_SIGNS["event handler"].search(_SCRIPT_BLOCK.sub("", page)):
        found.append("event handler")
    return sorted(found)


def page_body(page: str) -> str:
    match = _BODY.search(page)
    return _NAV.sub("", match.group(1) if match else page)


def to_markdown(page: str, image: Callable[[str], str | None]) -> str:
    """Return the Markdown of an HTML page's body, sanitised first.

    ``image(src)`` gets each image's source as written in the page and returns the
    ``media/…`` name to use, or None to leave the picture out.
    """
    images: list[str] = []

    def mark(match: re.Match) -> str:
        images.append(html.unescape(match.group(3)))
        return f'{match.group(1)}"{IMAGE_PREFIX}img/{len(images) - 1}"'

    clean = sanitise(_IMG_SRC.sub(mark, page_body(page)))
    converter = _Converter(lambda n: image(images[n]) if 0 <= n < len(images) else None)
    converter.feed(clean)
    converter.close()
    return converter.markdown()


def plain(fragment: str) -> str:
    """Return the text of an HTML fragment on one line (quiz texts are plain text)."""
    text = re.sub(r"<(/?(p|div|br|li|tr|td|th|h\d)\b)[^>]*>", " ", fragment or "", flags=re.I)
    text = re.sub(r"<[^>]*>", "", text)
    return " ".join(html.unescape(text).split())


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


class _Node:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.parts, self.count = tag, attrs, [], 0

    def text(self) -> str:
        return "".join(self.parts)


class _Converter(HTMLParser):
    def __init__(self, image: Callable[[int], str | None]):
        super().__init__(convert_charrefs=True)
        self.image = image
        self.stack = [_Node("root", {})]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self._img(attrs)
        elif tag == "br":
            self.stack[-1].parts.append("\n" if self._in("pre") else "\\\n")
        elif tag == "hr":
            self.stack[-1].parts.append("\n\n---\n\n")
        else:
            self.stack.append(_Node(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("img", "br", "hr"):
            self.handle_endtag(tag)

    def _in(self, tag: str) -> bool:
        return any(node.tag == tag for node in self.stack)

    def _img(self, attrs: dict) -> None:
        src = attrs.get("src") or ""
        prefix = f"{IMAGE_PREFIX}img/"
        name = self.image(int(src[len(prefix) :])) if src.startswith(prefix) else None
        if name:
            alt = " ".join((attrs.get("alt") or "").split())
            self.stack[-1].parts.append(f"![{_escape(alt)}]({quote(name, safe='/')})")

    def handle_data(self, data):
        if self._in("pre"):
            self.stack[-1].parts.append(data)
        else:
            node = self.stack[-1]
            text = _escape(re.sub(r"\s+", " ", data))
            if not node.parts or node.parts[-1].endswith("\n"):
                text = _LINE_START.sub(_escape_start, text)  # a line start, e.g. after <br>
            node.parts.append(text)

    def handle_endtag(self, tag):
        if not self._in(tag) or tag in ("img", "br", "hr"):
            return
        while True:
            node = self.stack.pop()
            self.stack[-1].parts.append(self._render(node, self.stack[-1]))
            if node.tag == tag:
                return

    def _render(self, node: _Node, parent: _Node) -> str:
        tag, text = node.tag, node.text()
        if tag in ("strong", "em", "code"):
            mark = {"strong": "**", "em": "*", "code": "`"}[tag]
            inner = text.strip()
            if not inner:
                return text
            if tag == "code":
                inner = unquote(inner).replace("\\", "").replace("`", "'")
            lead = " " if text[0].isspace() else ""
            return f"{lead}{mark}{inner}{mark}{' ' if text[-1].isspace() else ''}"
        if tag == "a":
            href = node.attrs.get("href") or ""
            inner = text.strip()
            if href.startswith(("http://", "https://")) and inner:
                return f"[{inner}]({quote(href, safe=':/?#&=%+@;,~')})"
            return text
        if tag in _HEADING:
            return f"\n\n{_HEADING[tag]}{' '.join(text.split())}\n\n"
        if tag == "pre":
            code = text.strip("\n").replace("```", "'''")
            return f"\n\n```\n{code}\n```\n\n"
        if tag == "blockquote":
            body = _tidy(text)
            return "\n\n" + "\n".join(f"> {line}".rstrip() for line in body.split("\n")) + "\n\n"
        if tag in ("ul", "ol"):
            gap = "\n" if parent.tag == "li" else "\n\n"  # a nested list stays tight
            return f"{gap}{text.strip(chr(10))}{gap}"
        if tag == "li":
            parent.count += 1
            marker = f"{parent.count}. " if parent.tag == "ol" else "- "
            body = _tidy(text) or "\u00a0"
            lines = body.split("\n")
            pad = " " * len(marker)
            rest = [f"{pad}{line}" if line else "" for line in lines[1:]]
            return "\n".join([marker + lines[0], *rest]) + "\n"
        if tag in ("td", "th"):
            cell = " ".join(text.replace("\\\n", " ").split())
            return f"{cell or ' '}\x1f"
        if tag == "tr":
            return text + "\x1e"
        if tag == "table":
            return _table(text)
        if tag in _BLOCKS:
            return "\n\n" + _LINE_START.sub(_escape_start, text.strip()) + "\n\n"
        return text

    def markdown(self) -> str:
        while len(self.stack) > 1:
            self.handle_endtag(self.stack[-1].tag)
        return _tidy(self.stack[0].text())


def _escape_start(match: re.Match) -> str:
    lead, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." starts a list; "1\." does not
        return f"{lead}{marker[:-1]}\\{marker[-1]}"
    return f"{lead}\\{marker}"


def _table(text: str) -> str:
    rows = [
        [cell.strip() or " " for cell in row.split("\x1f")[:-1]]
        for row in text.split("\x1e")
        if "\x1f" in row
    ]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [" "] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n\n" + "\n".join(lines) + "\n\n"


def _tidy(text: str) -> str:
    """Trim each line, keep at most one blank line, and escape line starts that CommonMark
    would read as a list or heading."""
    text = text.replace("\x1f", " ").replace("\x1e", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n")
