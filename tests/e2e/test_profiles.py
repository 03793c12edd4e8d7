"""Profiles on a family phone, in real Chromium and offline: each person's progress is their
own, records carry the right learner, a PIN is hashed and a wrong one refused (then delayed),
names change, and the sync heartbeat names the learning point and profiles but no names."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from playwright.sync_api import expect
from support.browser import read_store, wait_for_controller

from xuedian.org.enrolment import make_token

from .pack_server import WELCOME, download_welcome
from .test_a11y import focus_by_tab

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

# Counts the window events screens re-render on.
COUNT_EVENTS = """
window.__profileEvents = 0;
window.addEventListener('xuedian:profile', () => { window.__profileEvents += 1; });
"""


def capture_batches(server) -> list[dict]:
    """Record every sync batch the phone sends (from the page or its service worker) as the
    county receives it, by wrapping the live server's WSGI app."""
    bodies: list[dict] = []
    inner = server.server.app

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/api/v1/sync/batches" and environ["REQUEST_METHOD"] == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            gz = environ.get("HTTP_CONTENT_ENCODING") == "gzip"
            bodies.append(json.loads(gzip.decompress(raw) if gz else raw))
        return inner(environ, start_response)

    server.server.app = app
    return bodies


def profile_row(page, name: str):
    return page.locator(f'[data-testid="profile"][data-name="{name}"]')


def add_profile(page, name: str, pin: str = "", age: str = "", village: str = "") -> None:
    page.get_by_test_id("add-name").fill(name)
    if pin:
        page.get_by_test_id("add-pin").fill(pin)
    if age:
        page.get_by_test_id("add-age").select_option(age)
    if village:
        page.get_by_test_id("add-village").fill(village)
    page.get_by_test_id("add-save").click()
    expect(profile_row(page, name)).to_be_visible(timeout=10_000)


def switch_to(page, name: str, pin: str | None = None) -> None:
    row = profile_row(page, name)
    row.get_by_test_id("profile-switch").click()
    if pin is not None:
        row.get_by_test_id("pin-input").fill(pin)
        row.get_by_test_id("pin-submit").click()


def complete_lesson(page, base: str, lesson: str) -> None:
    page.goto(f"{base}/#/lesson/{WELCOME}/{lesson}", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    page.get_by_test_id("complete-lesson").click()
    expect(page.get_by_test_id("lesson-saved")).to_be_visible(timeout=10_000)


def done_lessons(page, base: str) -> set[str]:
    page.goto(f"{base}/#/pack/{WELCOME}", timeout=20_000)
    expect(page.get_by_test_id("lesson-01-welcome")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("pack-progress")).to_have_attribute("data-loaded", "true")
    rows = page.locator('[data-testid^="lesson-"][data-done="true"]')
    return {r.get_attribute("data-testid").removeprefix("lesson-") for r in rows.all()}


def test_two_profiles_keep_separate_progress_offline(server, page):
    page.add_init_script(COUNT_EVENTS)
    download_welcome(page, server)
    base = server.url
    page.context.set_offline(True)

    page.goto(f"{base}/#/profiles", timeout=20_000)
    chip = page.get_by_test_id("profile-chip")
    expect(chip).to_have_text("我", timeout=10_000)
    me = chip.get_attribute("data-learner")
    assert me and profile_row(page, "我").get_attribute("data-active") == "true"
    add_profile(page, "小红", age="60-69", village="李家村")
    expect(chip).to_have_text("我")  # adding does not switch

    complete_lesson(page, base, "02-offline")
    assert done_lessons(page, base) == {"02-offline"}

    page.goto(f"{base}/#/profiles", timeout=20_000)
    before = page.evaluate("window.__profileEvents")
    switch_to(page, "小红")
    expect(page.get_by_test_id("profile-note")).to_have_text("现在是小红在学习。", timeout=10_000)
    expect(chip).to_have_text("小红")
    assert page.evaluate("window.__profileEvents") > before
    hong = chip.get_attribute("data-learner")
    assert hong != me

    assert done_lessons(page, base) == set(), "the second profile starts with nothing done"
    complete_lesson(page, base, "01-welcome")
    assert done_lessons(page, base) == {"01-welcome"}

    records = {r["object"]["lesson"]: r["learner"] for r in read_store(page, "outbox")}
    assert records == {"02-offline": me, "01-welcome": hong}

    page.goto(f"{base}/#/profiles", timeout=20_000)
    switch_to(page, "我")
    expect(chip).to_have_text("我", timeout=10_000)
    page.reload(timeout=20_000)
    expect(chip).to_have_text("我", timeout=10_000)
    assert done_lessons(page, base) == {"02-offline"}

    profiles = read_store(page, "meta", "profiles")
    hong_row = next(p for p in profiles if p["id"] == hong)
    assert hong_row["age_band"] == "60-69" and hong_row["village"] == "李家村"
    assert hong_row["pin"] is None


def test_pin_is_hashed_refused_when_wrong_delayed_after_tries_and_names_change(live_server, page):
    base = live_server.url
    page.goto(f"{base}/#/profiles", timeout=20_000)
    wait_for_controller(page)
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    chip = page.get_by_test_id("profile-chip")
    expect(chip).to_have_text("我", timeout=10_000)

    # A PIN that is not 4-6 digits is refused before anything is stored.
    page.get_by_test_id("add-name").fill("爷爷")
    page.get_by_test_id("add-pin").fill("12")
    page.get_by_test_id("add-save").click()
    expect(page.get_by_test_id("add-error")).to_have_text("PIN 密码必须是 4 到 6 位数字。")
    page.get_by_test_id("add-pin").fill("4321")
    page.get_by_test_id("add-save").click()
    expect(profile_row(page, "爷爷")).to_be_visible(timeout=10_000)

    stored = next(p for p in read_store(page, "meta", "profiles") if p["name"] == "爷爷")
    assert set(stored["pin"]) == {"salt", "hash", "iterations"}
    assert stored["pin"]["iterations"] >= 100_000
    assert "4321" not in json.dumps(read_store(page, "meta", None), ensure_ascii=False)

    # Wrong PIN: refused, still the same learner.
    switch_to(page, "爷爷", "1111")
    error = profile_row(page, "爷爷").get_by_test_id("pin-error")
    expect(error).to_have_text("PIN 密码不对，请再试一次。", timeout=15_000)
    expect(chip).to_have_text("我")
    # Right PIN: switched.
    row = profile_row(page, "爷爷")
    row.get_by_test_id("pin-input").fill("4321")
    row.get_by_test_id("pin-submit").click()
    expect(chip).to_have_text("爷爷", timeout=15_000)

    # Rename (and it stays renamed after a reload).
    row.get_by_test_id("profile-edit").click()
    row.get_by_test_id("edit-name").fill("外公")
    row.get_by_test_id("edit-save").click()
    expect(chip).to_have_text("外公", timeout=10_000)
    page.reload(timeout=20_000)
    expect(chip).to_have_text("外公", timeout=10_000)
    expect(profile_row(page, "外公")).to_have_attribute("data-active", "true")

    # Three wrong tries in a row: each further try must wait, even with the right PIN.
    switch_to(page, "我")
    expect(chip).to_have_text("我", timeout=10_000)
    page.evaluate("localStorage.setItem('xuedian-lang', 'en')")
    page.reload(timeout=20_000)
    row = profile_row(page, "外公")
    switch_to(page, "外公", "0000")
    expect(row.get_by_test_id("pin-error")).to_have_text(
        "That PIN is wrong. Please try again.", timeout=15_000
    )
    for _ in range(2):
        row.get_by_test_id("pin-input").fill("0000")
        row.get_by_test_id("pin-submit").click()
        # A refused PIN is cleared from the field: this try has been counted.
        expect(row.get_by_test_id("pin-input")).to_have_value("", timeout=10_000)
    expect(row.get_by_test_id("pin-error")).to_contain_text(
        "Too many wrong tries. Please try again in", timeout=15_000
    )
    row.get_by_test_id("pin-input").fill("4321")
    row.get_by_test_id("pin-submit").click()
    expect(row.get_by_test_id("pin-error")).to_contain_text("Too many wrong tries", timeout=10_000)
    expect(chip).to_have_text("Me")
    tries = read_store(page, "meta", "pin_tries")
    assert list(tries.values())[0]["fails"] == 3


def test_heartbeat_names_the_point_and_profiles_but_never_a_name(live_server, page):
    base = live_server.url
    bodies = capture_batches(live_server)
    with live_server.app.app_context():
        token = make_token("liucun")
    page.goto(f"{base}/?point=liucun&t={token}#/profiles", timeout=20_000)
    wait_for_controller(page)
    expect(page.get_by_test_id("profile-chip")).to_have_text("我", timeout=10_000)
    add_profile(page, "小明", age="70+", village="王家村")

    # A bad code is never taken.
    page.goto(f"{base}/?point=bad%20code!&t={token}#/request", timeout=20_000)
    page.get_by_test_id("request-topic").fill("种土豆")
    page.get_by_test_id("request-send").click()
    expect(page.get_by_test_id("request-item")).to_have_attribute(
        "data-sent", "true", timeout=30_000
    )
    assert read_store(page, "outbox") == []

    assert bodies, "the phone sent a batch"
    status = bodies[-1]["signed"]["status"]
    assert status["point"] == "liucun" and status["enrolment"] == token
    enrolled = read_store(page, "meta", "enrolment")
    assert (enrolled["point"], enrolled["name"], enrolled["pending"]) == (
        "liucun",
        "柳村学习点",
        None,
    )
    ids = {p["id"]: p for p in read_store(page, "meta", "profiles")}
    me = next(i for i, p in ids.items() if not p["name"])
    ming = next(i for i, p in ids.items() if p["name"] == "小明")
    assert sorted(status["profiles"], key=lambda p: p["learner"] != me) == [
        {"learner": me},
        {"learner": ming, "age_band": "70+", "village": "王家村"},
    ]
    assert "小明" not in json.dumps(bodies, ensure_ascii=False)

    # The county keeps the age band and village per learner (names it never sees).
    with live_server.app.app_context():
        from xuedian.extensions import db
        from xuedian.learners.models import LearnerProfile

        row = db.session.get(LearnerProfile, ming)
        assert (row.age_band, row.village) == ("70+", "王家村")
        db.session.remove()


def test_adding_and_switching_to_a_pin_profile_works_by_keyboard(live_server, page):
    page.goto(f"{live_server.url}/#/profiles", timeout=20_000)
    expect(page.get_by_test_id("profile-chip")).to_have_text("我", timeout=15_000)
    focus_by_tab(page, "add-name")
    page.keyboard.type("奶奶")
    focus_by_tab(page, "add-pin")
    page.keyboard.type("2468")
    page.keyboard.press("Enter")
    expect(profile_row(page, "奶奶")).to_be_visible(timeout=10_000)
    page.locator("main").focus()
    focus_by_tab(page, "profile-switch")
    page.keyboard.press("Enter")
    pin = page.get_by_test_id("pin-input")
    expect(pin).to_be_focused(timeout=5_000)
    page.keyboard.type("2468")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("profile-chip")).to_have_text("奶奶", timeout=15_000)
