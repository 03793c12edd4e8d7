"""Accessibility of every screen in real Chromium: axe-core finds no serious or critical
violation and every control is at least 48x48 px, in zh-CN and English, at 100% and 200% text,
with a pack installed; and the catalog works by keyboard alone.

Add a screen by appending a :class:`Screen` to ``SCREENS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller

from .axe import assert_no_serious_violations
from .conftest import ROOT
from .pack_server import BIG, WELCOME, open_catalog
from .test_inapp import IN_APP

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: The catalog's hash. The catalog moves from `#/` to `#/catalog` when the home screen lands.
CATALOG_HASH = "#/catalog"
WELCOME_LESSON = "01-welcome"


class Screen(NamedTuple):
    """A screen to check: its hash, a selector visible once it is drawn, and an optional
    ``setup(page, server)`` run after it is drawn, which may return a clean-up callable."""

    name: str
    hash: str
    ready: str
    setup: Callable | None = None


# A quarantined record and one waiting record, as lib/outbox/queue.js stores them.
ADD_SYNC_PROBLEMS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('outbox', 'readwrite');
    const row = (id, seq, quarantine) => ({
      id, learner: '00000000-0000-4000-8000-000000000001',
      verb: 'http://adlnet.gov/expapi/verbs/experienced',
      object: { pack: 'xuedian-welcome', version: 1, lesson: '01-welcome' },
      timestamp: new Date().toISOString(), device_seq: seq, ...(quarantine ? { quarantine } : {}),
    });
    tx.objectStore('outbox').put(row('0190a11y-0000-7000-8000-000000000001', 900001,
      { code: 'record-invalid', message: '', at: new Date().toISOString() }));
    tx.objectStore('outbox').put(row('0190a11y-0000-7000-8000-000000000002', 900002, null));
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""

DROP_SYNC_PROBLEMS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').delete('0190a11y-0000-7000-8000-000000000001');
    tx.objectStore('outbox').delete('0190a11y-0000-7000-8000-000000000002');
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""

BUSY = json.dumps(
    {"ok": False, "code": "database-busy", "message": "Busy.", "details": {}}
).encode()


def sync_problems(page, server):
    """The sync screen with a failed sync, a quarantined record (opened) and the export button."""
    page.route(
        "**/api/v1/sync/**",
        lambda route: route.fulfill(status=503, body=BUSY, content_type="application/json"),
    )
    page.evaluate(ADD_SYNC_PROBLEMS)
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("quarantined")).to_be_visible(timeout=10_000)
    page.get_by_test_id("sync-now").click(timeout=30_000)
    expect(page.get_by_test_id("sync-error")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("export-sync")).to_be_visible(timeout=5_000)
    page.locator("[data-testid=quarantined] summary").click()

    def clean():
        page.unroute("**/api/v1/sync/**")
        page.evaluate(DROP_SYNC_PROBLEMS)

    return clean


def in_app_browser(page, server):
    """The notice shown inside WeChat (the user agent is overridden for this page only)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setUserAgentOverride", {"userAgent": IN_APP["wechat"]})
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("inapp")).to_be_visible(timeout=10_000)

    def clean():
        cdp.detach()

    return clean


def open_profile_forms(page, server):
    """The profiles screen with the edit form open (the add form is always shown)."""
    page.get_by_test_id("profile-edit").first.click()
    expect(page.get_by_test_id("edit-name")).to_be_visible(timeout=5_000)


def contrast(page, server):
    """High contrast, as the settings toggle applies it (class on <html>)."""
    page.evaluate("document.documentElement.classList.add('high-contrast')")

    def clean():
        page.evaluate("document.documentElement.classList.remove('high-contrast')")

    return clean


# The active learner's credits as the feed stores them (lib/transport/credits.js): one
# certificate with a real QR text (tests/vectors/credentials.json) and one pending course.
SEED_CREDITS = """(qr) => new Promise((resolve, reject) => {
  const open = indexedDB.open('xuedian');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('meta', 'readwrite');
    const meta = tx.objectStore('meta');
    const got = meta.get('active_learner');
    got.onsuccess = () => meta.put({ [got.result]: {
      outcomes: [{ definition: 1, title: '学点入门', hours: 0.5, credits: 0.5, qr,
        certified: '2026-11-30T08:00:00Z', status: 'certified', revoked: null }],
      pending: [{ definition: 2, title: '手机支付', hours: 1, credits: 1,
        needs: [{ need: 'lessons', count: 2, score: 0 }, { need: 'quiz', count: 1, score: 60 }] }],
    } }, 'credits');
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def with_certificate(page, server):
    """我的学分 with a certificate card (seal, QR code) and a course still in progress."""
    vectors = json.loads((ROOT / "tests" / "vectors" / "credentials.json").read_text("utf-8"))
    page.evaluate(SEED_CREDITS, vectors["cases"][0]["compact"])
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("cert-1-qr")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("credits-pending-2")).to_be_visible(timeout=5_000)

    def clean():
        page.evaluate(
            """() => new Promise((resolve) => {
                const open = indexedDB.open('xuedian');
                open.onsuccess = () => {
                    const tx = open.result.transaction('meta', 'readwrite');
                    tx.objectStore('meta').delete('credits');
                    tx.oncomplete = () => { open.result.close(); resolve(); };
                };
            })"""
        )

    return clean


SCREENS: list[Screen] = [
    Screen("catalog", CATALOG_HASH, f"[data-testid=download-{BIG}]"),
    Screen("pack", f"#/pack/{WELCOME}", f"[data-testid=lesson-{WELCOME_LESSON}]"),
    Screen("lesson", f"#/lesson/{WELCOME}/{WELCOME_LESSON}", "[data-testid=lesson-content] p"),
    Screen("import", "#/import", "main h2"),
    Screen("home", "#/", "[data-testid=home-sync]"),
    Screen("quiz", f"#/quiz/{WELCOME}/{WELCOME_LESSON}", "[data-testid=quiz-question]"),
    Screen("learning", "#/learning", "[data-testid=learning-chart]"),
    Screen("sync-problems", "#/sync", "[data-testid=sync-full]", sync_problems),
    Screen("shell-in-app-browser", f"#/pack/{WELCOME}", "[data-testid=pack-title]", in_app_browser),
    Screen("profiles", "#/profiles", "[data-testid=add-profile]", open_profile_forms),
    Screen("settings", "#/settings", f"[data-testid=stored-{WELCOME}]"),
    Screen("settings-high-contrast", "#/settings", f"[data-testid=stored-{WELCOME}]", contrast),
    Screen("home-high-contrast", "#/", "[data-testid=home-sync]", contrast),
    Screen("inbox", "#/inbox", "[data-testid=inbox]"),
    Screen("request", "#/request", "[data-testid=request-form]"),
    # An event check-in code that is none (docs/credits.md, "Events on site").
    Screen("checkin-invalid", "#/checkin/not-a-token", "[data-testid=checkin-invalid]"),
    # The learning point: on home, and on settings with the form to change it.
    Screen("home-point", "#/", "[data-testid=point-none]"),
    Screen("settings-point", "#/settings", "[data-testid=point-join]"),
    Screen("credits", "#/credits", "[data-testid=credits-hours]", with_certificate),
    # No camera in this browser: the verify screen says so.
    Screen("verify", "#/verify", "[data-testid=verify-problem]"),
]
LANGS = ["zh-CN", "en"]
TEXT_SCALES = [1, 2]


@pytest.fixture(scope="module")
def installed(browser, browser_context_args, pack_server):
    """One phone (a context) with the welcome pack installed, shared by this module's checks.
    CSP is bypassed only so that axe-core can be injected as a script."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    page = context.new_page()
    open_catalog(page, pack_server)
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=60_000)
    yield page, pack_server
    context.close()


def open_screen(page, server, screen: Screen, lang: str, scale: int) -> None:
    page.evaluate(
        """([lang, scale]) => {
            localStorage.setItem('xuedian-lang', lang);
            localStorage.setItem('xuedian-settings', JSON.stringify({ textScale: scale }));
        }""",
        [lang, scale],
    )
    page.goto("about:blank")
    page.goto(server.url + "/" + screen.hash, timeout=20_000)
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=5_000)
    expect(page.locator(screen.ready).first).to_be_visible(timeout=15_000)


@pytest.mark.parametrize("scale", TEXT_SCALES, ids=lambda s: f"text{s * 100}")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_screen_is_accessible(installed, screen, lang, scale):
    page, server = installed
    open_screen(page, server, screen, lang, scale)
    clean = screen.setup(page, server) if screen.setup else None
    try:
        if scale == 2:
            size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
            assert size >= 39, f"200% text not applied: root font size {size}px"
        assert_no_serious_violations(page, f"{screen.name} {lang} {scale * 100}%")
        # Nothing runs off a 360 px screen sideways, even at 200% text.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the screen"
    finally:
        if clean:
            clean()


def focus_by_tab(page, testid: str, limit: int = 60) -> None:
    """Press Tab until the element with ``testid`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.getAttribute('data-testid')") == testid:
            return
    raise AssertionError(f"{testid} never took the focus after {limit} presses of Tab")


def test_catalog_works_by_keyboard(server, page):
    page.goto(server.url + "/" + CATALOG_HASH, timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id(f"download-{WELCOME}")).to_be_visible(timeout=15_000)
    focus_by_tab(page, f"download-{WELCOME}")
    # The focused control shows a visible focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
    page.keyboard.press("Enter")
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=60_000)
    focus_by_tab(page, f"open-{WELCOME}")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("pack-title")).to_be_visible(timeout=10_000)
    assert page.evaluate("location.hash") == f"#/pack/{WELCOME}"
    focus_by_tab(page, f"lesson-{WELCOME_LESSON}")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lesson-content").locator("p").first).to_be_visible(timeout=10_000)
    focus_by_tab(page, "complete-lesson")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)
