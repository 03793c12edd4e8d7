"""A new app version waits and asks: in real Chromium, a changed /sw.js installs in the
background, the "update" banner is not offered while a lesson or quiz is open, appears once the
learner leaves it, and the page reloads only when the learner presses the button. The outbox
is untouched throughout."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .axe import assert_no_serious_violations
from .outbox_faults import OUTBOX_ROWS
from .pack_server import WELCOME, open_catalog
from .test_a11y import CATALOG_HASH, WELCOME_LESSON

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

BUSY = json.dumps({"ok": False, "code": "database-busy", "message": "Busy.", "details": {}})


class NextVersion:
    """WSGI middleware: once ``sw_bytes`` is set, /sw.js answers with them (a new app version);
    with ``hold_sync``, every sync request is refused, so learning records stay in the outbox."""

    def __init__(self, app):
        self.app = app
        self.sw_bytes: bytes | None = None
        self.hold_sync = False
        self.script_fetches = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/sw.js":
            self.script_fetches += 1
        if path == "/sw.js" and self.sw_bytes is not None:
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/javascript"),
                    ("Cache-Control", "no-cache"),
                    ("Content-Length", str(len(self.sw_bytes))),
                ],
            )
            return [self.sw_bytes]
        if self.hold_sync and path.startswith("/api/v1/sync/"):
            body = BUSY.encode()
            start_response(
                "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.app(environ, start_response)


@pytest.fixture
def next_version(server):
    swap = NextVersion(server.server.app)
    server.server.app = swap
    yield swap
    server.server.app = swap.app


REGISTRATION_STATES = """() => navigator.serviceWorker.getRegistration().then((r) => ({
    installing: r && r.installing && r.installing.state,
    waiting: r && r.waiting && r.waiting.state,
    active: r && r.active && r.active.state,
    controlled: Boolean(navigator.serviceWorker.controller),
}))"""


def ask_for_update(page) -> None:
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function(
        """() => navigator.serviceWorker.getRegistration()
            .then((r) => Boolean(r && r.waiting && r.waiting.state === 'installed'))""",
        timeout=30_000,
    )


def test_update_waits_outside_lessons_and_reloads_only_when_asked(
    server, next_version, pwa_dist, page
):
    open_catalog(page, server)
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=60_000)

    # The learner finishes a lesson while the county cannot be reached: one record waits.
    next_version.hold_sync = True
    page.evaluate(f"location.hash = '#/lesson/{WELCOME}/{WELCOME_LESSON}'")
    expect(page.get_by_test_id("lesson-content").locator("p").first).to_be_visible(timeout=15_000)
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)
    outbox = page.evaluate(OUTBOX_ROWS)
    assert len(outbox) == 1

    # A new version is published while the lesson is open; it installs and waits.
    page.evaluate("window.__sameDocument = true")
    next_version.sw_bytes = (pwa_dist / "sw.js").read_bytes() + b"\n// the next app version\n"
    ask_for_update(page)
    html = page.locator("html")
    expect(html).to_have_attribute("data-update-offer", "held", timeout=10_000)
    expect(page.get_by_test_id("update-banner")).to_have_count(0)
    # Not in a quiz either: once the quiz screen has rendered, the offer is still held back.
    page.evaluate(f"location.hash = '#/quiz/{WELCOME}/{WELCOME_LESSON}'")
    expect(page.get_by_test_id("quiz-back")).to_be_visible(timeout=10_000)
    expect(html).to_have_attribute("data-update-offer", "held")
    expect(page.get_by_test_id("update-banner")).to_have_count(0)

    # Leaving the lesson shows the offer; nothing has reloaded.
    page.evaluate(f"location.hash = '#/pack/{WELCOME}'")
    expect(page.get_by_test_id("update-banner")).to_be_visible(timeout=10_000)
    page.evaluate(f"location.hash = '{CATALOG_HASH}'")
    expect(page.get_by_test_id("update-banner")).to_be_visible(timeout=10_000)
    assert_no_serious_violations(page, "update banner")
    # Back into a lesson: the offer steps aside again.
    page.evaluate(f"location.hash = '#/lesson/{WELCOME}/{WELCOME_LESSON}'")
    expect(page.get_by_test_id("lesson-content")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("update-banner")).to_have_count(0)
    # Without the press the new worker still waits, so nothing can have taken control and
    # reloaded the page (the app reloads only on controllerchange after a press).
    states = page.evaluate(REGISTRATION_STATES)
    assert states["waiting"] == "installed" and states["active"] == "activated", states
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded without a press"
    assert page.evaluate(OUTBOX_ROWS) == outbox

    # Only the press activates the new version and reloads.
    page.evaluate(f"location.hash = '#/pack/{WELCOME}'")
    with page.expect_navigation(timeout=20_000):
        page.get_by_test_id("update-app").click()
    expect(page.get_by_test_id("pack-title")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__sameDocument === undefined")
    page.wait_for_function(
        """() => navigator.serviceWorker.getRegistration()
            .then((r) => r.waiting === null && r.active && r.active.state === 'activated')""",
        timeout=10_000,
    )
    expect(page.get_by_test_id("update-banner")).to_have_count(0)
    assert page.evaluate(OUTBOX_ROWS) == outbox


def test_update_found_on_a_lesson_does_not_reload_it(server, next_version, pwa_dist, page):
    """Another tab accepting the update activates the new worker; this tab, in a lesson,
    does not reload (it never agreed)."""
    open_catalog(page, server)
    page.get_by_test_id(f"download-{WELCOME}").click()
    expect(page.get_by_test_id(f"installed-{WELCOME}")).to_be_visible(timeout=60_000)
    page.evaluate(f"location.hash = '#/lesson/{WELCOME}/{WELCOME_LESSON}'")
    expect(page.get_by_test_id("lesson-content").locator("p").first).to_be_visible(timeout=15_000)
    page.evaluate("window.__sameDocument = true")
    # The narration's <audio preload=metadata> may keep a range request open, deferred, for
    # as long as the page shows it; the old worker answers it, and Chromium activates the new
    # worker only once the old one has nothing in flight (or after five minutes). The app,
    # not the test, lets go of it when the update is accepted in the other tab: the player
    # is emptied (its source unloaded), and gets its source back once the new worker rules.
    audio = page.get_by_test_id("lesson-audio")
    src = audio.get_attribute("src")
    assert src, "the lesson has no narration"
    # Every time the player is emptied, the source it then has ('' once it let go).
    audio.evaluate(
        "(a) => a.addEventListener('emptied', () => { (window.__emptied ||= []).push(a.src); })"
    )
    # A reload would begin in the page's controllerchange handler, whose task also runs
    # beforeunload; so once the controller has changed, this flag tells without a sleep.
    page.evaluate("addEventListener('beforeunload', () => { window.__unloading = true; })")
    page.evaluate("window.__oldWorker = navigator.serviceWorker.controller")
    next_version.sw_bytes = (pwa_dist / "sw.js").read_bytes() + b"\n// the next app version\n"
    ask_for_update(page)

    other = page.context.new_page()
    other.goto(server.url + f"/#/pack/{WELCOME}", timeout=20_000)
    expect(other.get_by_test_id("update-banner")).to_be_visible(timeout=15_000)
    other.evaluate("window.__beforePress = true")
    other.get_by_test_id("update-app").click()
    # The lesson tab hears of the agreed update and unloads its narration, so the new worker
    # activates at once rather than after Chromium's five-minute limit on the old one's
    # fetches (the timeout leaves room for a loaded machine, well under that limit).
    try:
        page.wait_for_function(
            "() => navigator.serviceWorker.controller !== window.__oldWorker",
            timeout=90_000,
        )
    except Exception:
        states = other.evaluate(REGISTRATION_STATES)
        raise AssertionError(
            f"the new worker never took control: {states}, "
            f"/sw.js fetched {next_version.script_fetches} times"
        ) from None
    # The tab that pressed reloads into the new version.
    other.wait_for_function("() => window.__beforePress === undefined", timeout=30_000)
    expect(other.get_by_test_id("pack-title")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__unloading === undefined"), "the lesson began to reload"
    assert page.evaluate("window.__sameDocument === true"), "the lesson was reloaded"
    expect(page.get_by_test_id("lesson-content")).to_be_visible()
    # It let go of its narration while the update waited, and has it back, from the new worker.
    # (Restoring it may empty the player again, with the source back: the order can vary.)
    page.wait_for_function("() => (window.__emptied || []).includes('')", timeout=10_000)
    expect(audio).to_have_attribute("src", src, timeout=10_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=lesson-audio]').readyState >= 1",
        timeout=15_000,
    )
