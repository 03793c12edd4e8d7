"""A county administrator, on a 360 px phone with 200% text, makes an LRS client on the
staff page, a third party signs in with the key and secret shown once, and revoking the
client ends its access; the page has no serious accessibility problem in either language."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect
from support.browser import staff_sign_in

from xuedian.org.demo import ADMIN

from .axe import assert_no_serious_violations

pytestmark = pytest.mark.e2e

VERSION = {"X-Experience-API-Version": "2.0.0"}


def _basic(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {**VERSION, "Authorization": "Basic " + token}


def _fits(page, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{label}: the page is {overflow}px wider than the screen"


def test_a_county_administrator_makes_and_revokes_a_client_on_a_phone(live_server, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/staff/lrs", timeout=20_000)
    staff_sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="学习记录接口（xAPI）")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("lrs-endpoint")).to_have_text(f"{live_server.url}/xapi/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    _fits(page, "the empty page at 200%")

    page.get_by_label("名称（对方是谁）").fill("清水慕课", timeout=10_000)
    page.get_by_role("button", name="建立账号").click(timeout=30_000)
    expect(page.get_by_test_id("lrs-made")).to_be_visible(timeout=20_000)
    key = page.get_by_test_id("lrs-key").inner_text(timeout=5_000)
    secret = page.get_by_test_id("lrs-secret").inner_text(timeout=5_000)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    _fits(page, "the secret shown at 200%")
    assert_no_serious_violations(page, "LRS page zh-CN, a client made")

    xapi = page.request.get(f"{live_server.url}/xapi/statements", headers=_basic(key, secret))
    assert xapi.status == 200, xapi.text()

    page.get_by_role("button", name="停用 清水慕课").click(timeout=30_000)
    expect(page.get_by_test_id("done")).to_be_visible(timeout=20_000)
    expect(page.locator('[data-client="清水慕课"]')).to_have_attribute("data-revoked", "1")
    refused = page.request.get(f"{live_server.url}/xapi/statements", headers=_basic(key, secret))
    assert refused.status == 401

    page.goto(live_server.url + "/staff/lrs?lang=en", timeout=20_000)
    expect(page.get_by_role("heading", name="Learning records API (xAPI)")).to_be_visible(
        timeout=20_000
    )
    assert_no_serious_violations(page, "LRS page en")
