"""Lesson Markdown to sanitised HTML, to the list of media it links, and to plain text.

Raw HTML in Markdown is escaped, never rendered; the rendered HTML then goes through an
allow-list sanitiser as a second wall, so no script, handler, frame or foreign URL survives.

markdown-it and nh3 load on the first lesson rendered, not when a serving worker starts:
most workers never build or import a pack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _markdown() -> MarkdownIt:
    """The one CommonMark parser (with tables, raw HTML escaped), made on first use."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


ALLOWED_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
#: Where a lesson's images may come from: the pack itself, served by the service worker.
IMAGE_PREFIX = "/content/"
_SENTENCE_END = tuple("。！？；：.!?;:…")
_TAG = re.compile(r"<[^>]*>")


def _inline_children(tokens: list[Token]) -> Iterator[Token]:
    """Yield every inline token, including those inside image alt text."""
    for token in tokens:
        yield token
        if token.children:
            yield from _inline_children(token.children)


def _url_tokens(tokens: list[Token]) -> Iterator[tuple[Token, str]]:
    """Yield (token, attribute) for every image source and link target."""
    for block in tokens:
        for token in _inline_children(block.children or []):
            if token.type == "image":
                yield token, "src"
            elif token.type == "link_open":
                yield token, "href"


def media_links(markdown: str) -> list[tuple[str, str]]:
    """Return ``(kind, decoded url)`` of every image and link, ``kind`` is image or link."""
    return [
        ("image" if attr == "src" else "link", unquote(str(token.attrs[attr])))
        for token, attr in _url_tokens(_markdown().parse(markdown))
    ]


def has_title_heading(markdown: str) -> bool:
    """Return whether the body has a level-1 heading (the app shows the title instead)."""
    return any(t.type == "heading_open" and t.tag == "h1" for t in _markdown().parse(markdown))


def _inside_pack(value: str, prefix: str = IMAGE_PREFIX) -> bool:
    """Whether a ``/content/`` URL (or one under ``prefix``) stays inside the pack: no
    ``.``/``..`` or empty path segment (percent-encoded or not) and no backslash, which a
    browser reads as ``/``."""
    path = unquote(value.split("?", 1)[0].split("#", 1)[0])
    if not path.startswith(prefix) or "\\" in path:
        return False
    return all(part not in ("", ".", "..") for part in path[len(prefix) :].split("/"))


def _url_filter(prefix: str) -> Callable[[str, str, str], str | None]:
    def keep_safe_urls(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            return value if _inside_pack(value, prefix) else None
        if tag == "a" and attr == "href":
            if value.startswith(prefix):
                return value if _inside_pack(value, prefix) else None
            return value if value.startswith(("https://", "http://")) else None
        return value

    return keep_safe_urls


def sanitise(html: str, prefix: str = IMAGE_PREFIX) -> str:
    """Return ``html`` cut down to the allow-list: images only from the pack (URLs under
    ``prefix``: ``/content/`` on the phone, the draft's media in the studio's preview),
    links only to http(s) or the pack, no scripts, handlers, styles, frames or comments."""
    import nh3

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_url_filter(prefix),
        url_schemes={"https", "http"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_lesson(
    markdown: str, rewrite: Callable[[str], str] | None = None, prefix: str = IMAGE_PREFIX
) -> str:
    """Return sanitised HTML for a lesson's Markdown body.

    ``rewrite`` maps a decoded link or image URL under ``media/`` to the URL to emit; the
    pack's own files are those under ``prefix`` (``/content/``, where the phone finds them).
    """
    md = _markdown()
    tokens = md.parse(markdown)
    if rewrite:
        for token, attr in _url_tokens(tokens):
            url = unquote(str(token.attrs[attr]))
            if url.startswith("media/"):
                token.attrs[attr] = quote(rewrite(url), safe="/:")
    return sanitise(md.renderer.render(tokens, md.options, {}), prefix)


def plain_text(markdown: str) -> str:
    """Return the words of a Markdown body for speech: one line a block, each ending in
    punctuation so the voice pauses; code, images and HTML tags are left out."""
    lines = []
    for block in _markdown().parse(markdown):
        if block.type != "inline":
            continue
        words = []
        for token in block.children or []:
            if token.type in ("text", "code_inline"):
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
        line = " ".join(_TAG.sub(" ", "".join(words)).split())
        if line:
            lines.append(line if line.endswith(_SENTENCE_END) else line + "。")
    return "\n".join(lines)
