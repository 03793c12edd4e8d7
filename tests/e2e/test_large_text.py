"""Large text as a first-class layout, in real Chromium at 360x740 with 200% text, in zh-CN
and English: on every screen the main content starts in the first third of the screen, the
bottom navigation stays docked at the bottom, no control's label breaks inside a word (the
−10/+10 buttons, the import button), the search placeholder is not cut, and the chart's
labels in "My learning" grow with the text; and no screen scrolls the window by itself."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller
from support.phone import PACK, complete_lesson, download_pack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

THIRD = 740 / 3
#: Each screen's hash and a test id visible once it is drawn.
SCREENS = {
    "home": ("#/", "home-sync"),
    "catalog": ("#/catalog", "catalog-search"),
    "pack": (f"#/pack/{PACK}", "pack-title"),
    "lesson": (f"#/lesson/{PACK}/01-welcome", "audio-play"),
    "quiz": (f"#/quiz/{PACK}/01-welcome", "quiz-question"),
    "learning": ("#/learning", "learning-chart"),
    "settings": ("#/settings", "setting-text"),
    "profiles": ("#/profiles", "add-profile"),
    "inbox": ("#/inbox", "inbox"),
    "request": ("#/request", "request-form"),
    "import": ("#/import", "import-file-button"),
    "sync": ("#/sync", "sync-full"),
    "credits": ("#/credits", "credits-hours"),
    "verify": ("#/verify", "verify-problem"),
}

# The top of the first visible text inside <main> (screen-reader-only text skipped).
CONTENT_TOP = """() => {
  const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.data.trim()) continue;
    const r = document.createRange();
    r.selectNodeContents(n);
    const box = [...r.getClientRects()].find((b) => b.width > 2 && b.height > 2);
    if (box) return { top: box.top, text: n.data.trim().slice(0, 30) };
  }
  return null;
}"""

# Every word of Latin letters or digits in a visible control's label whose pieces sit on
# more than one line: a label broken inside a word ("−1/0", "(.xdpa/ck").
BROKEN_WORDS = """() => {
  const seg = new Intl.Segmenter(document.documentElement.lang, { granularity: 'word' });
  const controls = document.querySelectorAll(
    'button, a.btn, .bottom-nav a, label, summary, select, [role=switch], .chip, .back, .top a');
  const bad = [];
  for (const c of controls) {
    if (c.getClientRects().length === 0) continue;
    const walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      for (const s of seg.segment(n.data)) {
        if (s.segment.length < 2 || !/[A-Za-z0-9]/.test(s.segment)) continue;
        const r = document.createRange();
        r.setStart(n, s.index);
        r.setEnd(n, s.index + s.segment.length);
        const boxes = [...r.getClientRects()].filter((b) => b.width > 0);
        const lines = new Set(boxes.map((b) => Math.round(b.top)));
        if (lines.size > 1) bad.push(`${c.dataset.testid || c.tagName}: ${s.segment}`);
      }
    }
  }
  return bad;
}"""

NAV = """() => { const r = document.querySelector('.bottom-nav').getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, height: innerHeight }; }"""

# The search field's placeholder against the room inside the field, in the field's font.
PLACEHOLDER = """(e) => {
  const s = getComputedStyle(e);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  return { text: ctx.measureText(e.placeholder).width,
           room: e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) };
}"""


@pytest.fixture
def phone(live_server, page):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    complete_lesson(page, base, "01-welcome")
    page.context.set_offline(True)
    return page, base


def open_at(page, base: str, hash_: str, ready: str, lang: str, scale: float) -> None:
    page.evaluate(
        "([s, l]) => { localStorage.setItem('xuedian-settings', s);"
        " localStorage.setItem('xuedian-lang', l); }",
        [json.dumps({"textScale": scale}), lang],
    )
    page.goto("about:blank")
    page.goto(base + "/" + hash_, timeout=20_000)
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=10_000)
    expect(page.get_by_test_id(ready).first).to_be_visible(timeout=15_000)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_screen_at_200_percent_leads_with_content(phone, lang):
    page, base = phone
    problems = []
    for name, (hash_, ready) in SCREENS.items():
        open_at(page, base, hash_, ready, lang, 2)
        size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert size >= 39, f"200% text not applied on {name}: {size}px"
        top = page.evaluate(CONTENT_TOP)
        if not top or top["top"] >= THIRD:
            problems.append(f"{name}: content starts at {top}")
        nav = page.evaluate(NAV)
        if abs(nav["bottom"] - nav["height"]) > 1 or nav["top"] < nav["height"] * 0.75:
            problems.append(f"{name}: navigation not docked: {nav}")
        if broken := page.evaluate(BROKEN_WORDS):
            problems.append(f"{name}: labels broken inside a word: {broken}")
        if name == "catalog":
            fit = page.get_by_test_id("catalog-search").evaluate(PLACEHOLDER)
            if fit["text"] > fit["room"]:
                problems.append(f"search placeholder cut: {fit}")
    assert problems == []


def test_chart_labels_grow_with_the_text(phone):
    page, base = phone
    heights = {}
    for scale in (1, 2):
        open_at(page, base, "#/learning", "learning-chart", "zh-CN", scale)
        heights[scale] = page.locator(".chart-day").first.evaluate(
            "(e) => e.getBoundingClientRect().height"
        )
    assert heights[1] >= 14, heights
    assert heights[2] >= 1.7 * heights[1], heights


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_no_screen_scrolls_the_window(phone, lang):
    """Screen-reader-only text (the chart's table, the hidden labels) stays inside the page
    that scrolls, so on no screen, at 100% or 200% text, does the window itself scroll, which
    would lift the bottom navigation off the bottom of the screen."""
    page, base = phone
    problems = []
    for scale in (1, 2):
        for name, (hash_, ready) in SCREENS.items():
            open_at(page, base, hash_, ready, lang, scale)
            sizes = page.evaluate(
                "() => ({ scroll: document.scrollingElement.scrollHeight,"
                " client: document.scrollingElement.clientHeight })"
            )
            if sizes["scroll"] != sizes["client"]:
                problems.append(f"{name} at {scale * 100}%: the window scrolls: {sizes}")
            nav = page.evaluate(NAV)
            if abs(nav["bottom"] - nav["height"]) > 1:
                problems.append(f"{name} at {scale * 100}%: navigation lifted: {nav}")
    assert problems == []
