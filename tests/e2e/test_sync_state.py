"""A screen drawn while a sync runs shows its end, however late the screen subscribes.

A screen reads the sync state when it renders and subscribes in an effect, which Preact
runs after the screen is painted. A sync that ended in between was missed: the sync screen
showed "正在同步…" with a disabled button until the next change, five minutes later (seen
in CI as a sync that hung). The page's clock is held (Playwright's clock) so the effect
waits, deterministically, until the sync has ended."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import read_store

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.fixture
def phone(browser, browser_context_args):
    # No service worker: the county's answer is held by the page's own route.
    context = browser.new_context(**{**browser_context_args, "service_workers": "block"})
    yield context.new_page()
    context.close()


def test_the_sync_screen_shows_a_sync_that_ended_while_it_was_drawn(live_server, phone):
    page = phone
    page.clock.install()
    page.goto(live_server.url + "/#/catalog", timeout=20_000)
    button = page.get_by_test_id("sync-now")  # the header's, off the sync screen
    expect(button).to_be_enabled(timeout=30_000)  # registered, first sync over

    held = []
    page.route("**/api/v1/sync/changes", lambda route: held.append(route))
    button.click()
    wait_until(lambda: held, 15, "the changes request held", page=page)
    before = read_store(page, "meta", "last_synced")

    # Effects (and every timer) wait from here; promises, fetches and renders go on.
    now = page.evaluate("Date.now()")
    page.clock.pause_at((now + 50) / 1000)  # seconds
    page.evaluate("location.hash = '#/sync'")
    page.clock.run_for(100)  # the shell's effect loads the sync screen's code
    screen_button = page.get_by_test_id("sync-now")
    expect(screen_button).to_have_text("正在同步…", timeout=15_000)

    # The sync ends before the sync screen's effect has run.
    held[0].continue_()
    wait_until(
        lambda: read_store(page, "meta", "last_synced") != before,
        15,
        "the sync's end stored",
        page=page,
    )
    page.clock.resume()
    expect(screen_button).to_be_enabled(timeout=10_000)
    expect(screen_button).to_have_text("立即同步", timeout=5_000)
