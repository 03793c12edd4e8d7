"""The county's whole loop in real Chromium at 360 px (issue 11, "What it must show").

A volunteer opens their learning point's page and takes the poster's enrolment address; a
fresh phone opens it and is on the point page before it has sent any record. The resident
reads a lesson for six minutes (the page's clock moved on while the content is shown, so the
completion carries time evidence) and passes its quiz; the phone syncs. The county
dashboard, the point report, the learning and learners tables' CSV and the records export show
exactly that learner's lesson, minutes and best score, with times on the county's clock
(Asia/Shanghai, computed here from the stored UTC moments, not with the app's own helper).
A second phone opened at plain / taps "完成" at once: it is counted under "unenrolled
phones", as an unverified completion, apart from the lessons with evidence.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from support import wait_until
from support.browser import read_store

from xuedian.extensions import db
from xuedian.org.demo import ADMIN, VOLUNTEER
from xuedian.org.models import Area, LearningPoint
from xuedian.sync.models import Device

from .screens import VERB, WELCOME, complete_lesson, install, server_records
from .test_enrolment import ROW, records_of, sign_in
from .test_home_quiz import PROGRESS_BEST_SCORE

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

COUNTY = ZoneInfo("Asia/Shanghai")
LESSON = "01-welcome"
READ = 6 * 60  # six minutes: 0.1 hour on the dashboard


def utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shown(moment) -> str:
    """How a person in the county reads a stored moment: ``2026-11-24 09:04``."""
    return utc(moment).astimezone(COUNTY).strftime("%Y-%m-%d %H:%M")


def cells(table, label: str):
    """The data cells (``td``) of the row of ``table`` whose heading is ``label``."""
    return table.locator("tr", has=table.page.locator("th", has_text=label)).locator("td")


def csv_rows(page, url: str) -> list[dict]:
    response = page.request.get(url, timeout=20_000)
    assert response.status == 200, response.text()
    return list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))


def point_and_township(server, code: str) -> tuple[int, str]:
    with server.app.app_context():
        point = db.session.scalar(select(LearningPoint).where(LearningPoint.code == code))
        village = db.session.get(Area, point.area_id)
        township = db.session.get(Area, village.parent_id)
        found = (point.id, township.name)
        db.session.remove()
        return found


def last_seen(server, device_id: str):
    with server.app.app_context():
        moment = db.session.get(Device, device_id).last_seen_at
        db.session.remove()
        return moment


def pass_quiz(page, base: str) -> None:
    page.goto(f"{base}/#/pack/{WELCOME}", timeout=20_000)
    page.get_by_test_id(f"quiz-{LESSON}").click(timeout=30_000)
    expect(page.get_by_test_id("quiz-progress")).to_have_text("第 1 题，共 1 题", timeout=10_000)
    page.get_by_test_id("quiz-choice-0").click(timeout=30_000)
    expect(page.get_by_test_id("quiz-feedback")).to_have_attribute(
        "data-correct", "true", timeout=5_000
    )
    page.get_by_test_id("quiz-next").click(timeout=30_000)
    expect(page.get_by_test_id("quiz-score")).to_contain_text("通过了", timeout=5_000)


def test_poster_to_county_report_for_one_learner(live_server, page, browser, browser_context_args):
    base = live_server.url
    point_id, township = point_and_township(live_server, "liucun")

    # The volunteer's page holds the address the poster's QR code carries.
    sign_in(page, base, VOLUNTEER, "/staff/point")
    expect(page.get_by_test_id("devices-count")).to_have_text("0", timeout=10_000)
    url = page.get_by_test_id("enrol-url").inner_text(timeout=5_000)
    assert url.startswith(f"{base}/?point=liucun&t=")

    phone = browser.new_context(**browser_context_args)
    stray = browser.new_context(**browser_context_args)
    try:
        resident = phone.new_page()
        resident.clock.install()  # time flows; complete_lesson moves it on while reading
        resident.goto(url, timeout=20_000)
        expect(resident.get_by_test_id("point-name")).to_have_text(
            "本机已加入：柳村学习点", timeout=20_000
        )
        device_id = read_store(resident, "meta", "device_key")["device_id"]
        assert records_of(live_server, device_id) == 0
        page.reload(timeout=20_000)
        expect(page.get_by_test_id("devices-count")).to_have_text("1", timeout=10_000)
        expect(page.locator(f'[data-device="{device_id[:8]}"]')).to_be_visible(timeout=5_000)
        assert records_of(live_server, device_id) == 0  # on the page before any record

        # Studied for real, then the quiz passed; both reach the county.
        install(resident, live_server)
        complete_lesson(resident, live_server, LESSON, read_seconds=READ)
        pass_quiz(resident, base)

        other = stray.new_page()
        install(other, live_server)
        stray_id = read_store(other, "meta", "device_key")["device_id"]
        complete_lesson(other, live_server, LESSON)  # a quick tap: unverified

        def arrived():
            mine = [r for r in server_records(live_server) if r.device_id == device_id]
            verbs = {(r.verb.rsplit("/", 1)[1], r.item) for r in mine}
            theirs = [r for r in server_records(live_server) if r.device_id == stray_id]
            ok = {("completed", None), ("attempted", "quiz")} <= verbs and any(
                r.verb == VERB + "completed" for r in theirs
            )
            return ok and mine

        mine = wait_until(arrived, 90, "both phones' learning reaches the county", page=resident)
        resident.wait_for_function(PROGRESS_BEST_SCORE, arg=[LESSON, 1], timeout=30_000)
    finally:
        phone.close()
        stray.close()

    (done,) = [r for r in mine if r.verb == VERB + "completed"]
    (total,) = [r for r in mine if r.verb == VERB + "attempted" and r.item == "quiz"]
    assert (done.kind, done.pack, done.lesson, done.engagement) == (
        "lesson",
        WELCOME,
        LESSON,
        "time",
    )
    assert READ <= done.seconds < READ + 60
    assert (total.score, total.success) == (1, True)
    learner = done.learner
    with live_server.app.app_context():
        assert db.session.get(Device, stray_id).learning_point_id is None
        db.session.remove()

    # The county dashboard: the point's township and the unenrolled phones, apart.
    page.context.clear_cookies()
    sign_in(page, base, ADMIN, "/staff/reports/")
    learning = page.locator("#table-learning")
    row = cells(learning, township)
    expect(row.nth(2)).to_have_text("1", timeout=15_000)  # learners
    expect(row.nth(3)).to_have_text("1")  # lessons with evidence
    expect(row.nth(4)).to_have_text("0")  # unverified
    expect(row.nth(5)).to_have_text("0.1")  # hours: six minutes
    stray_row = cells(learning, ROW)
    expect(stray_row.nth(3)).to_have_text("0")
    expect(stray_row.nth(4)).to_have_text("1")
    expect(cells(page.locator("#table-health"), ROW).nth(1)).to_have_text("1")
    # The learners table: that learner's lesson, whole minutes and best quiz score.
    stored = [r for r in server_records(live_server) if r.device_id == device_id]
    minutes = str(sum(r.seconds for r in stored) // 60)
    mine_row = cells(page.locator("#table-learners"), learner[:8])
    expect(mine_row.nth(0)).to_have_text(device_id[:8])
    expect(mine_row.nth(1)).to_have_text("柳村学习点")
    expect(mine_row.nth(2)).to_have_text("1")  # lessons with evidence
    expect(mine_row.nth(3)).to_have_text("0")  # unverified
    expect(mine_row.nth(4)).to_have_text(minutes)
    expect(mine_row.nth(5)).to_have_text("100")  # best quiz score, %
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The point report: one row per phone, its last sync on the county's clock.
    page.goto(f"{base}/staff/reports/?point={point_id}", timeout=20_000)
    phone_row = cells(page.locator("#table-learning"), device_id[:8])
    expect(phone_row.nth(3)).to_have_text("1", timeout=15_000)
    expect(phone_row.nth(5)).to_have_text("0.1")
    point_learner = cells(page.locator("#table-learners"), learner[:8])
    expect(point_learner.nth(4)).to_have_text(minutes)
    expect(point_learner.nth(5)).to_have_text("100")
    health = cells(page.locator("#table-health"), device_id[:8])
    expect(health.nth(2)).to_have_text(shown(last_seen(live_server, device_id)))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The learning table as CSV says the same; the records export names every fact.
    table = csv_rows(page, f"{base}/staff/reports/export/learning.csv")
    by_name = {r[next(iter(r))]: list(r.values()) for r in table}
    assert by_name[township][3:7] == ["1", "1", "0", "0.1"]
    assert by_name[ROW][4:6] == ["0", "1"]
    learners = csv_rows(page, f"{base}/staff/reports/export/learners.csv")
    by_learner = {r[next(iter(r))]: list(r.values()) for r in learners}
    assert by_learner[learner[:8]][3:7] == ["1", "0", minutes, "100"]
    records = csv_rows(page, f"{base}/staff/reports/export/records.csv?point={point_id}")
    assert {r["device"] for r in records} == {device_id}
    assert {r["learner"] for r in records} == {learner}
    (lesson,) = [r for r in records if r["verb"] == "completed"]
    assert (lesson["point"], lesson["pack"], lesson["lesson"]) == ("liucun", WELCOME, LESSON)
    assert (lesson["seconds"], lesson["evidence"]) == (str(done.seconds), "time")
    assert lesson["timestamp"] == utc(done.timestamp).astimezone(COUNTY).isoformat("T", "seconds")
    assert lesson["timestamp"].endswith("+08:00")
    (quiz,) = [r for r in records if r["verb"] == "attempted" and r["item"] == "quiz"]
    assert (quiz["lesson"], float(quiz["score"]), quiz["success"]) == (LESSON, 1.0, "true")
