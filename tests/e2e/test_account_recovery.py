"""A learning account moves to a new phone at 360 px: phone A learns and syncs, shows its
learner card and its recovery code once; phone B (a second browser) enters the code,
syncs, and shows A's progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import read_store, wait_for_controller, wait_for_store
from support.county import stored_records
from support.phone import PACK, complete_lesson, download_pack

from xuedian.credits.card import short_number

pytestmark = pytest.mark.e2e


def test_recovery_code_moves_learning_to_a_second_phone(
    live_server, page, browser, browser_context_args
):
    base = live_server.url
    page.goto(base + "/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    complete_lesson(page, base, "01-welcome")
    wait_until(lambda: stored_records(live_server), 30, "the record at the county", page=page)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=30_000)
    learner = read_store(page, "meta", "active_learner")

    page.goto(f"{base}/#/profiles", timeout=20_000)
    number = short_number(learner)
    expect(page.get_by_test_id("card-number")).to_have_text(
        f"{number[:4]} {number[4:]}", timeout=10_000
    )
    expect(page.get_by_test_id("card-qr")).to_be_visible(timeout=10_000)
    page.get_by_test_id("show-recovery").click()
    shown = page.get_by_test_id("recovery-code")
    expect(shown).to_have_text(re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$"), timeout=15_000)
    code = shown.inner_text()

    other = browser.new_context(**browser_context_args)
    try:
        phone_b = other.new_page()
        phone_b.goto(f"{base}/#/profiles", timeout=20_000)
        wait_for_controller(phone_b)
        assert read_store(phone_b, "meta", "active_learner") != learner
        phone_b.get_by_test_id("recover-open").click()
        phone_b.get_by_test_id("recover-code").fill("ABCD-EFGH-JKMN-PQRS")
        phone_b.get_by_test_id("recover-submit").click()
        expect(phone_b.get_by_test_id("recover-error")).to_contain_text(
            "恢复码不对", timeout=15_000
        )
        phone_b.get_by_test_id("recover-code").fill(code.lower())
        phone_b.get_by_test_id("recover-submit").click()
        expect(phone_b.get_by_test_id("profile-note")).to_contain_text(
            "已转到这部手机", timeout=15_000
        )
        assert read_store(phone_b, "meta", "active_learner") == learner
        expect(phone_b.locator(f'li[data-learner="{learner}"]')).to_have_attribute(
            "data-active", "true", timeout=10_000
        )
        # The sync after the move brings A's progress, with nothing in B's outbox.
        wait_for_store(phone_b, "progress", [learner, PACK, "01-welcome"], timeout=30)
        assert read_store(phone_b, "outbox") == []
        phone_b.goto(base + "/#/catalog", timeout=20_000)
        expect(phone_b.get_by_test_id("learner-totals")).to_contain_text(
            "学完 1 课", timeout=15_000
        )
    finally:
        other.close()
