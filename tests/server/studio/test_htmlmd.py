"""Imported HTML becomes lesson Markdown that the pack source reader accepts and the
renderer shows with no script: for hand-picked pages and for generated ones."""

from __future__ import annotations

import shutil

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuedian.packs.render import render_lesson
from xuedian.packs.source import read_source
from xuedian.studio.importers.htmlmd import javascript_signs, plain, to_markdown

from .conftest import ROOT, unsafe_parts


def _media(src: str) -> str | None:
    return "media/pic.webp" if src.endswith(".png") else None


def test_to_markdown_maps_the_allowed_tags():
    page = (
        "<html><head><title>T</title></head><body><h1>Top</h1><p>- not a list, # not a"
        " heading, *not em*</p><ol><li>one<ul><li>inner</li></ul></li><li>two</li></ol>"
        "<blockquote><p>quoted</p></blockquote><table><tr><th>a</th><th>b</th></tr>"
        "<tr><td> 1 </td><td>2|3</td></tr></table><p><em>so</em> <code>x = 1</code><br>"
        'next</p><img src="a.png" alt="pic"><img src="b.gif"><a href="page2.html">local</a>'
        "</body></html>"
    )
    markdown = to_markdown(page, _media)
    assert markdown.split("\n\n") == [
        "## Top",
        "\\- not a list, \\# not a heading, \\*not em\\*",
        "1. one\n   - inner\n2. two",
        "> quoted",
        "| a | b |\n| --- | --- |\n| 1 | 2\\|3 |",
        "*so* `x = 1`\\\nnext",
        "![pic](media/pic.webp)local",
    ]
    html = render_lesson(markdown)
    assert "<h2>Top</h2>" in html and "<td>2|3</td>" in html and "<li>inner</li>" in html


def test_to_markdown_escapes_what_would_start_a_block_after_a_line_break():
    for text in ("===", "---", "- b", "+ b", "1. b", "2) b"):
        html = render_lesson(to_markdown(f"<p>a<br>{text}</p><p>{text}</p>", _media))
        assert html.count("<p>") == 2 and "<li>" not in html and "<h" not in html, html
        assert html.count(text) == 2, html


def test_javascript_signs_name_what_a_page_needs():
    page = '<body onload="x()"><iframe src="a"></iframe><script>LMSInitialize("")</script>'
    assert javascript_signs(page) == ["SCORM API call", "event handler", "iframe", "script"]
    assert javascript_signs("<p>plain on = off</p>") == []
    assert plain("<p>Rice <b>grows</b></p><p>in water</p>") == "Rice grows in water"


PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<h1>",
        "</h1>",
        "<h3>",
        "</h3>",
        "<ul>",
        "<ol>",
        "<li>",
        "</li>",
        "</ul>",
        "</ol>",
        "<table><tr><td>",
        "</td><td>",
        "</td></tr></table>",
        "<pre>",
        "</pre>",
        "<blockquote>",
        "</blockquote>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<code>",
        "</code>",
        "<br>",
        "<hr>",
        '<img src="x.png" alt="a]b">',
        '<img src="y.jpg">',
        '<a href="https://e.org/a(b)">',
        '<a href="javascript:alert(1)">',
        "</a>",
        "<script>alert(1)</script>",
        '<p onclick="x()">',
        "<iframe src=x></iframe>",
        "<svg><script>1</script></svg>",
        "<style>p{}</style>",
        "# ",
        "- ",
        "1. ",
        "> ",
        "![i](media/../x.png)",
        "[l](javascript:x)",
        "*",
        "_",
        "`",
        "\\",
        "|",
        "<!-- c -->",
        "&lt;script&gt;",
        "text ",
        "文字",
        "\n",
        "    ",
        "===",
        "---",
    ]
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(PIECES, max_size=40))
def test_to_markdown_of_any_page_is_a_valid_safe_lesson(tmp_path, pieces):
    folder = tmp_path / "pack"
    if not folder.exists():
        shutil.copytree(ROOT / "content_packs" / "xuedian-welcome", folder)
        for lesson in (folder / "lessons").glob("*.md"):
            lesson.unlink()
        shutil.copyfile(
            folder
            / "media"
            / next(
                iter(sorted(p.name for p in (folder / "media").iterdir() if p.suffix == ".svg"))
            ),
            folder / "media" / "pic.svg",
        )
    markdown = to_markdown("<body>" + "".join(pieces) + "</body>", lambda s: "media/pic.svg")
    front = yaml.safe_dump({"title": {"zh-CN": "t", "en": "t"}})
    (folder / "lessons" / "01-x.md").write_text(f"---\n{front}---\n{markdown or 'x'}\n")
    (lesson,) = read_source(folder).lessons
    assert unsafe_parts(render_lesson(lesson.body)) == []
