"""The lesson sanitiser keeps ``/content/`` links and images inside the pack: no dot
segments (plain or percent-encoded), empty segments or backslashes that would climb out of
``/content/`` to the county's own pages or API."""

from __future__ import annotations

import pytest

from xuedian.packs.render import sanitise

from .test_builder import _tags


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
