"""A volunteer who also learns on their phone: with the resident app installed and its
service worker controlling the origin, the staff pages still come from the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.browser import staff_sign_in, wait_for_controller

from xuedian.org.demo import ADMIN

pytestmark = pytest.mark.e2e


def test_staff_pages_are_not_shadowed_by_the_installed_app(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    # The app's own paths, query included, still open offline from the precached shell.
    app_page = page.goto(live_server.url + "/?point=liucun", timeout=20_000)
    assert app_page.from_service_worker
    expect(page.locator("#sync-status")).to_be_visible(timeout=20_000)

    login = page.goto(live_server.url + "/staff/reports/", timeout=20_000)
    assert not login.from_service_worker
    expect(page).to_have_url(f"{live_server.url}/staff/login?next=/staff/reports/", timeout=20_000)
    # The worker still controls this page; it passes the navigation to the network.
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    staff_sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="报表总览")).to_be_visible(timeout=20_000)

    reports = page.goto(live_server.url + "/staff/reports/", timeout=20_000)
    assert not reports.from_service_worker
    assert reports.status == 200
    expect(page.get_by_role("heading", name="报表总览")).to_be_visible(timeout=20_000)

    bundles = page.goto(live_server.url + "/volunteer/bundles", timeout=20_000)
    assert not bundles.from_service_worker
    assert bundles.status == 200
    expect(page.locator("input[type=file][name=bundles]")).to_be_attached(timeout=20_000)
    assert page.locator("#sync-status").count() == 0
