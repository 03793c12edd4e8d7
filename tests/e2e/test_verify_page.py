"""The public /verify page in real Chromium at 360 px: a resident's QR text pasted is said
to be genuine, a changed certificate uploaded as a file is said to be tampered, in Chinese
with English under it, and nothing runs off the screen sideways at 100% or 200% text. axe-core
finds no serious violation and every control is 48 px or more."""

from __future__ import annotations

import json

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from xuedian import create_app
from xuedian.credentials import badges, compact

from .axe import assert_no_serious_violations
from .conftest import FaultInjector, LiveServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def county(tmp_path):
    app = create_app({"instance_path": str(tmp_path / "instance")})
    with app.app_context():
        upgrade()
        achievement = badges.achievement(
            achievement_id="urn:xuedian:unit:1",
            name="地方戏曲入门",
            description="地方戏曲入门",
            criteria="完成全部课程。",
            hours=2.0,
        )
        signed = {}
        for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
            unsigned = badges.open_badge(
                issuer=badges.county_profile("清水县学分银行"),
                achievement=achievement,
                name="地方戏曲入门",
            )
            signed[suite] = badges.issue_badge(unsigned, suite)
    server = LiveServer(app, FaultInjector(app)).start()
    yield server, signed
    server.stop()


def _fits(page) -> None:
    """Nothing spills sideways off a 360 px phone, at 100% and at 200% text."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.evaluate("document.documentElement.style.fontSize = '40px'")
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        page.evaluate("document.documentElement.style.fontSize = ''")


def test_verify_page_says_genuine_and_tampered_at_360_px(county, page, tmp_path):
    server, signed = county
    page.goto(server.url + "/verify", timeout=15_000)
    expect(page.get_by_role("heading", name="核验学分证书")).to_be_visible(timeout=15_000)
    _fits(page)
    assert_no_serious_violations(page, "/verify")

    page.get_by_test_id("credential").fill(compact.encode(signed["eddsa-jcs-2022"]))
    page.get_by_test_id("check").click(timeout=15_000)
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-verdict", "genuine", timeout=15_000)
    expect(verdict).to_contain_text("真证书")
    expect(verdict).to_contain_text("Genuine")
    expect(verdict).to_contain_text("地方戏曲入门")
    _fits(page)
    assert_no_serious_violations(page, "/verify, genuine")

    changed = {**signed["eddsa-rdfc-2022"], "name": "高级地方戏曲"}
    upload = tmp_path / "certificate.json"
    upload.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
    page.get_by_test_id("file").set_input_files(str(upload), timeout=15_000)
    page.get_by_test_id("check").click(timeout=15_000)
    expect(verdict).to_have_attribute("data-verdict", "tampered", timeout=15_000)
    expect(verdict).to_contain_text("证书被改动过")
    _fits(page)
