"""Removing a profile from a family phone, in real Chromium and offline: it is confirmed, a PIN
profile needs its PIN, the only profile cannot be removed, removing the active one switches to
another, and the removed person's learning records still reach the county (only the phone's list
and the heartbeat's `profiles` lose them)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support import wait_until
from support.browser import read_store, wait_for_controller
from support.county import stored_records
from support.phone import download_pack

from .test_profiles import add_profile, capture_batches, profile_row, switch_to

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

PACK = "xuedian-welcome"


def complete_lesson(page, base: str, lesson: str) -> None:
    page.goto(f"{base}/#/lesson/{PACK}/{lesson}", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)


def test_removed_profile_records_still_sync_pin_needed_last_kept(live_server, page):
    base = live_server.url
    bodies = capture_batches(live_server)
    page.goto(f"{base}/", timeout=20_000)
    wait_for_controller(page)
    download_pack(page)
    page.context.set_offline(True)

    page.goto(f"{base}/#/profiles", timeout=20_000)
    chip = page.get_by_test_id("profile-chip")
    expect(chip).to_have_text("我", timeout=10_000)
    me = chip.get_attribute("data-learner")
    add_profile(page, "小红", pin="2580", age="60-69")
    switch_to(page, "小红", "2580")
    expect(chip).to_have_text("小红", timeout=15_000)
    hong = chip.get_attribute("data-learner")
    complete_lesson(page, base, "02-offline")
    assert [r["learner"] for r in read_store(page, "outbox")] == [hong]

    page.goto(f"{base}/#/profiles", timeout=20_000)
    switch_to(page, "我")
    expect(chip).to_have_text("我", timeout=10_000)

    # Removing asks first; cancelling keeps the person.
    row = profile_row(page, "小红")
    row.get_by_test_id("profile-remove").click()
    expect(row.get_by_test_id("remove-form")).to_contain_text("要把小红从这部手机上删除吗")
    row.get_by_role("button", name="取消").click()
    expect(row.get_by_test_id("remove-form")).to_have_count(0)

    # A PIN profile needs its PIN: a wrong one (or none) removes nothing.
    row.get_by_test_id("profile-remove").click()
    pin = row.get_by_test_id("remove-pin")
    expect(pin).to_be_focused(timeout=5_000)
    row.get_by_test_id("remove-confirm").click()
    expect(row.get_by_test_id("remove-error")).to_have_text(
        "PIN 密码不对，请再试一次。", timeout=15_000
    )
    pin.fill("1111")
    row.get_by_test_id("remove-confirm").click()
    expect(row.get_by_test_id("remove-error")).to_have_text(
        "PIN 密码不对，请再试一次。", timeout=15_000
    )
    assert len(read_store(page, "meta", "profiles")) == 2
    pin.fill("2580")
    row.get_by_test_id("remove-confirm").click()
    expect(page.get_by_test_id("profile-note")).to_have_text("已删除小红。", timeout=15_000)
    expect(profile_row(page, "小红")).to_have_count(0)
    assert [p["id"] for p in read_store(page, "meta", "profiles")] == [me]
    assert (read_store(page, "meta", "pin_tries") or {}).get(hong) is None
    # Its record stays in the outbox, still its own.
    assert [r["learner"] for r in read_store(page, "outbox")] == [hong]

    # Removing the active profile (no PIN) switches to another.
    add_profile(page, "小明")
    switch_to(page, "小明")
    expect(chip).to_have_text("小明", timeout=10_000)
    row = profile_row(page, "小明")
    row.get_by_test_id("profile-remove").click()
    row.get_by_test_id("remove-confirm").click()
    expect(chip).to_have_text("我", timeout=10_000)
    expect(profile_row(page, "我")).to_have_attribute("data-active", "true")
    assert read_store(page, "meta", "active_learner") == me

    # The only profile cannot be removed.
    profile_row(page, "我").get_by_test_id("profile-remove").click()
    expect(page.get_by_test_id("profiles-error")).to_have_text(
        "这是手机上唯一的学习者，不能删除。", timeout=5_000
    )
    expect(page.get_by_test_id("remove-form")).to_have_count(0)
    assert [p["id"] for p in read_store(page, "meta", "profiles")] == [me]
    assert read_store(page, "meta", "active_learner") == me

    # Online: the removed person's record reaches the county; the heartbeat names only "me".
    assert stored_records(live_server) == []
    page.context.set_offline(False)
    page.goto(f"{base}/#/", timeout=20_000)
    # The screen may show "0" before it has read the outbox: wait for the county first.
    wait_until(lambda: stored_records(live_server), 60, "the record at the county", page=page)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    records = stored_records(live_server)
    assert [(r.learner, r.object["lesson"]) for r in records] == [(hong, "02-offline")]
    assert bodies and bodies[-1]["signed"]["status"]["profiles"] == [{"learner": me}]


def test_last_profile_refusal_and_remove_in_english(live_server, page):
    page.add_init_script("localStorage.setItem('xuedian-lang', 'en')")
    page.goto(f"{live_server.url}/#/profiles", timeout=20_000)
    expect(page.get_by_test_id("profile-chip")).to_have_text("Me", timeout=15_000)
    page.get_by_role("button", name="Remove Me").click()
    expect(page.get_by_test_id("profiles-error")).to_have_text(
        "This is the only person on this phone, so it cannot be removed.", timeout=5_000
    )
    add_profile(page, "Ann")
    row = profile_row(page, "Ann")
    page.get_by_role("button", name="Remove Ann").click()
    expect(row.get_by_test_id("remove-form")).to_contain_text("Remove Ann from this phone?")
    row.get_by_role("button", name="Yes, remove").click()
    expect(page.get_by_test_id("profile-note")).to_have_text("Ann was removed.", timeout=10_000)
    expect(row).to_have_count(0)
