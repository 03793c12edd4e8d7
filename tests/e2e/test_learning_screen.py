"""My learning (counts, credits, the weekly chart) and the on-phone recommendations, walked
offline in real Chromium, plus the recommendation rules (pwa/src/lib/learner/recommend.js)
run alone."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import ROOT
from .screens import (
    GARDEN,
    PHONE,
    WELCOME,
    complete_lesson,
    idb_all,
    idb_meta,
    idb_put,
    install,
    no_horizontal_scroll,
    start_screens_server,
    wide_elements,
)

pytestmark = pytest.mark.e2e

NODE = shutil.which("node")


@pytest.fixture(scope="module")
def screens_server(tmp_path_factory, pwa_dist):
    server = start_screens_server(tmp_path_factory.mktemp("learning"), pwa_dist)
    yield server
    server.stop()


def test_recommendations_follow_progress_and_switch_off_offline(screens_server, page):
    server = screens_server
    install(page, server)
    page.goto(server.url + "/#/", timeout=20_000)
    expect(page.get_by_test_id("rec-none")).to_be_visible(timeout=15_000)
    page.context.set_offline(True)

    complete_lesson(page, server, "01-welcome")
    page.goto(server.url + "/#/", timeout=20_000)
    rec = page.get_by_test_id(f"rec-{WELCOME}")
    expect(rec).to_have_attribute("data-kind", "next", timeout=15_000)
    expect(rec).to_contain_text("没有网络也能学")
    expect(rec.get_by_test_id("rec-reason")).to_have_text(
        "您在学《学点入门》，已学完 1/3 课，接着学下一课"
    )
    expect(page.get_by_test_id(f"rec-{PHONE}")).to_have_count(0)

    complete_lesson(page, server, "02-offline")
    complete_lesson(page, server, "03-sync")
    page.goto(server.url + "/#/", timeout=20_000)
    rec = page.get_by_test_id(f"rec-{PHONE}")
    expect(rec).to_have_attribute("data-kind", "finished", timeout=15_000)
    expect(rec.get_by_test_id("rec-reason")).to_have_text("因为您学完了《学点入门》")
    # Same category only; a finished pack is not suggested again.
    expect(page.get_by_test_id(f"rec-{GARDEN}")).to_have_count(0)
    expect(page.get_by_test_id(f"rec-{WELCOME}")).to_have_count(0)

    switch = page.get_by_role("switch", name="显示推荐")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(page.get_by_test_id("rec-list")).to_have_count(0)
    expect(page.get_by_test_id("rec-off")).to_be_visible()
    settings = page.evaluate("() => JSON.parse(localStorage.getItem('xuedian-settings'))")
    assert settings["recommendations"] is False
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("rec-off")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id(f"rec-{PHONE}")).to_have_count(0)
    page.get_by_role("switch", name="显示推荐").press("Enter")
    expect(page.get_by_test_id(f"rec-{PHONE}")).to_be_visible()

    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id(f"rec-{PHONE}").get_by_test_id("rec-reason")).to_have_text(
        'Because you finished "Getting started with Xuedian"'
    )


def test_recommendations_from_stated_interests_offline(screens_server, page):
    server = screens_server
    install(page, server)
    page.goto(f"{server.url}/#/lesson/{WELCOME}/01-welcome", timeout=20_000)
    expect(page.get_by_test_id("lesson-content")).not_to_be_empty(timeout=15_000)
    learner = idb_meta(page, "active_learner")
    assert learner
    page.context.set_offline(True)
    # A topic kept by the request screen, and one still waiting in the outbox.
    kept = [{"id": "0190a000-0000-7000-8000-0000000000aa", "learner": learner, "topic": "菜园"}]
    idb_put(page, "meta", kept, "topic_requests")
    seq = (idb_meta(page, "device_seq") or 0) + 1
    record = {
        "id": "0190a000-0000-7000-8000-000000000001",
        "learner": learner,
        "verb": "http://adlnet.gov/expapi/verbs/asked",
        "object": {"topic": "支付"},
        "timestamp": "2026-11-24T08:00:00Z",
        "device_seq": seq,
    }
    idb_put(page, "outbox", record)
    idb_put(page, "meta", seq, "device_seq")
    page.goto(server.url + "/#/", timeout=20_000)
    garden = page.get_by_test_id(f"rec-{GARDEN}")
    expect(garden).to_have_attribute("data-kind", "interest", timeout=15_000)
    expect(garden.get_by_test_id("rec-reason")).to_have_text("因为您想学“菜园”")
    phone = page.get_by_test_id(f"rec-{PHONE}")
    expect(phone.get_by_test_id("rec-reason")).to_have_text("因为您想学“支付”")
    page.get_by_test_id("rec-switch").click()
    expect(page.get_by_test_id("rec-list")).to_have_count(0)


#: Three lessons read for 30 s each: every one verified, so the pack's credits count.
READ_THREE = {"lessons": "3", "hours": "2 分钟", "credits": "0.5", "packs": "1"}


def learning_numbers(page) -> dict:
    return {
        k: page.get_by_test_id(f"learning-{k}").inner_text()
        for k in ("lessons", "hours", "credits", "packs")
    }


def test_my_learning_counts_chart_and_county_merge(screens_server, page):
    server = screens_server
    page.clock.install()  # time flows; complete_lesson moves it on while a lesson is read
    install(page, server)
    page.context.set_offline(True)
    for lesson in ("01-welcome", "02-offline", "03-sync"):
        complete_lesson(page, server, lesson, read_seconds=30)
    page.get_by_test_id("nav-learning").click()
    expect(page.get_by_test_id("nav-learning")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("learning-lessons")).to_have_text("3", timeout=15_000)
    assert learning_numbers(page) == READ_THREE
    expect(page.get_by_test_id(f"learning-done-{WELCOME}")).to_have_text("学点入门")

    chart = page.get_by_test_id("chart-svg")
    expect(chart).to_have_attribute("role", "img")
    label = chart.get_attribute("aria-label")
    assert "最近 8 周每周学完的课数" in label and "共 3 课" in label
    bars = [page.get_by_test_id(f"chart-bar-{i}").get_attribute("data-count") for i in range(8)]
    assert bars == ["0"] * 7 + ["3"]
    rows = page.get_by_test_id("chart-table").locator("tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.nth(7).locator("td")).to_have_text("3")

    # After a sync the county's totals replace the local records, with nothing counted twice.
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=60_000)
    page.wait_for_function(
        """() => new Promise((resolve) => {
            const open = indexedDB.open('xuedian');
            open.onsuccess = () => {
                const meta = open.result.transaction('meta').objectStore('meta');
                const req = meta.get('learner_totals');
                req.onsuccess = () => {
                    const all = req.result || {};
                    resolve(Object.values(all).some((t) => t.lessons_completed === 3));
                    open.result.close();
                };
            };
        })""",
        timeout=30_000,
    )
    assert [r for r in idb_all(page, "outbox")] == []
    page.reload(timeout=20_000)
    expect(page.get_by_test_id("learning-lessons")).to_have_text("3", timeout=15_000)
    assert learning_numbers(page) == READ_THREE
    bars = [page.get_by_test_id(f"chart-bar-{i}").get_attribute("data-count") for i in range(8)]
    assert bars == ["0"] * 7 + ["3"]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_screens_fit_a_phone_at_200_percent_text(screens_server, page, lang):
    server = screens_server
    install(page, server)
    page.evaluate(
        "(lang) => { localStorage.setItem('xuedian-settings', JSON.stringify({textScale: 2}));"
        " localStorage.setItem('xuedian-lang', lang); }",
        lang,
    )
    page.context.set_offline(True)
    page.reload(timeout=20_000)
    screens = {
        "/#/": "home-pack-" + WELCOME,
        "/#/catalog": "catalog-search",
        f"/#/pack/{WELCOME}": "quiz-01-welcome",
        f"/#/quiz/{WELCOME}/02-offline": "quiz-choice-0",
        f"/#/lesson/{WELCOME}/01-welcome": "audio-play",
        "/#/learning": "learning-chart",
    }
    for path, testid in screens.items():
        page.goto(server.url + path, timeout=20_000)
        expect(page.get_by_test_id(testid)).to_be_visible(timeout=15_000)
        assert page.evaluate("() => document.documentElement.style.fontSize") == "250%"
        assert no_horizontal_scroll(page), (path, wide_elements(page))
        # At large text too the bar stays docked below the page, which scrolls above it.
        assert (
            page.evaluate("() => document.documentElement.classList.contains('nav-docked')") is True
        )


RUN_RECOMMEND = """
import { recommend, matchesInterest } from %s;
const input = JSON.parse(process.argv[1]);
for (const [k, v] of Object.entries(input.completed)) input.completed[k] = new Set(v);
const match = matchesInterest(input.catalog[1], { topic: '菜园' });
console.log(JSON.stringify({ recs: recommend(input), match }));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_recommend_rules_run_alone():
    lesson = lambda i: {"id": f"l{i}", "title": {"zh-CN": f"第{i}课", "en": f"Lesson {i}"}}  # noqa: E731
    installed = [
        {
            "pack_id": "a",
            "manifest": {
                "title": {"zh-CN": "甲"},
                "category": "c1",
                "lessons": [lesson(1), lesson(2)],
            },
        },
        {
            "pack_id": "b",
            "manifest": {
                "title": {"zh-CN": "乙"},
                "category": "c2",
                "lessons": [lesson(1), lesson(2)],
            },
        },
    ]
    catalog = [
        {"pack_id": "a", "category": "c1", "title": {"zh-CN": "甲"}},
        {"pack_id": "g", "category": "farming", "title": {"zh-CN": "菜园管理", "en": "Garden"}},
        {"pack_id": "c", "category": "c1", "title": {"zh-CN": "丙"}},
        {
            "pack_id": "d",
            "category": "c3",
            "title": {"zh-CN": "丁"},
            "description": {"en": "Raising chickens"},
        },
    ]
    payload = {
        "installed": installed,
        "catalog": catalog,
        "completed": {"a": ["l1", "l2"], "b": ["l1"]},
        "interests": [{"topic": "chickens"}, {"topic": "种地", "category": "farming"}],
    }
    module = json.dumps((ROOT / "pwa" / "src" / "lib" / "learner" / "recommend.js").as_uri())
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", RUN_RECOMMEND % module, json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["match"] is True
    got = [(r["kind"], r["pack"], r.get("lesson"), r["reason"], r["vars"]) for r in result["recs"]]
    assert got == [
        ("next", "b", "l2", "rec.reason.next", {"pack": {"zh-CN": "乙"}, "done": 1, "total": 2}),
        ("finished", "c", None, "rec.reason.finished", {"pack": {"zh-CN": "甲"}}),
        ("interest", "d", None, "rec.reason.interest", {"topic": "chickens"}),
        ("interest", "g", None, "rec.reason.interest", {"topic": "种地"}),
    ]
    # Nothing started, nothing asked: nothing to suggest.
    empty = {**payload, "completed": {}, "interests": []}
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", RUN_RECOMMEND % module, json.dumps(empty)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(out.stdout)["recs"] == []
