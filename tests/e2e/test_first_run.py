"""The first run and the profiles screen in real Chromium at 360x740: home asks once, on one
screen, for the age band and the village, each skippable, and the answer reaches the active
profile; a refusal such as "请填写名字" leaves once the name is typed; a long name keeps the
"换成…" button to one line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.browser import wait_for_controller

from .screens import idb_meta

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def test_first_run_asks_age_band_and_village_once(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    wait_for_controller(page)
    ask = page.get_by_test_id("first-run")
    expect(ask).to_be_visible(timeout=15_000)
    page.get_by_test_id("first-age").select_option("60-69")
    page.get_by_test_id("first-village").fill("石桥村")
    page.get_by_test_id("first-save").click()
    expect(ask).to_have_count(0, timeout=10_000)
    (me,) = idb_meta(page, "profiles")
    assert (me["age_band"], me["village"]) == ("60-69", "石桥村")
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("home-next")).to_be_visible(timeout=15_000)
    expect(ask).to_have_count(0)


def test_first_run_can_be_skipped(live_server, page):
    page.goto(live_server.url + "/", timeout=20_000)
    page.get_by_test_id("first-skip").click(timeout=15_000)
    expect(page.get_by_test_id("first-run")).to_have_count(0, timeout=10_000)
    page.reload(timeout=20_000)
    # With nothing installed, home says in one sentence what to do next.
    expect(page.get_by_test_id("home-next")).to_have_text(
        "下一步：去课程目录下载一门课。", timeout=15_000
    )
    expect(page.get_by_test_id("home-go-catalog")).to_be_visible()
    expect(page.get_by_test_id("first-run")).to_have_count(0)
    (me,) = idb_meta(page, "profiles")
    assert "age_band" not in me and "village" not in me


def test_name_error_goes_and_a_long_name_keeps_the_switch_button_short(live_server, page):
    page.goto(live_server.url + "/#/profiles", timeout=20_000)
    page.get_by_test_id("add-save").click(timeout=15_000)
    error = page.get_by_test_id("add-error")
    expect(error).to_contain_text("请填写名字", timeout=10_000)
    page.get_by_test_id("add-name").fill("王" * 40)
    expect(error).to_have_count(0, timeout=5_000)
    page.get_by_test_id("add-save").click()
    expect(page.get_by_test_id("profile-note")).to_be_visible(timeout=10_000)
    button = page.get_by_test_id("profile-switch")
    expect(button).to_be_visible()
    height = button.evaluate("(e) => e.getBoundingClientRect().height")
    assert height <= 64, f"the switch button is {height}px tall"
    expect(button).to_have_attribute("aria-label", "换成" + "王" * 40)
