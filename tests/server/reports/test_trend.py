"""The dashboard's weekly trend (active learners and lessons per week, last 12 weeks): the
numbers equal a hand computation from the daily aggregates, unknown weeks are apart from
zero, a township admin never sees the other township's weeks, and CSV/XLSX carry it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import openpyxl
from sqlalchemy import delete

from xuedian.core.timeutil import day_start, local_day, utcnow
from xuedian.core.words import WORDS as TEXT
from xuedian.extensions import db
from xuedian.reports.models import ActivityDaily
from xuedian.sync.models import Device

from .helpers import Learner, make_org, sign_in

DASH = "/staff/reports/"
EXPORT = "/staff/reports/export"


def _seed(app, client) -> tuple[dict, list, list]:
    """Phones a, c at p1a (township 1a) and b at p1b (1b), with hand-made daily rows.
    Returns the org ids and the expected county and township-1a series (oldest first)."""
    ids = make_org(app)
    phones = {name: Learner(client, code) for name, code in (("a", "p1a"), ("c", "p1a"))}
    phones["b"] = Learner(client, "p1b")
    for phone in phones.values():
        phone.send([phone.record(lesson="01-a")])
    with app.app_context():
        today = local_day(utcnow())
        monday = today - timedelta(days=today.weekday())
        dev = {name: phone.phone.device_id for name, phone in phones.items()}
        db.session.execute(delete(ActivityDaily))
        # b's phone first reported in the week 9 weeks back (its Monday + 3 days).
        first_b = day_start(monday - timedelta(days=60)) + timedelta(hours=12)
        db.session.get(Device, dev["b"]).created_at = first_b
        rows = [
            # This week: X on two phones counts once; Y at the other township.
            (monday, "a", "X", 2),
            (monday, "c", "X", 1),
            (monday, "b", "Y", 5),
            # Last week: Z active twice, lessons on one day only.
            (monday - timedelta(days=7), "a", "Z", 0),
            (monday - timedelta(days=1), "a", "Z", 4),
            # Eleven weeks back (the oldest week shown) and twelve (not shown).
            (monday - timedelta(days=77), "b", "Y", 7),
            (monday - timedelta(days=78), "b", "Y", 100),
            # After the frame's end (today): not counted.
            (today + timedelta(days=1), "a", "X", 50),
        ]
        for day, phone, learner, lessons in rows:
            db.session.add(
                ActivityDaily(
                    day=day,
                    device_id=dev[phone],
                    learner=learner,
                    records=lessons + 1,
                    lessons=lessons,
                    seconds=60,
                    asked=0,
                )
            )
        db.session.commit()
    weeks = [monday - timedelta(weeks=11 - i) for i in range(12)]
    # No completion here lacks evidence: every known week has 0 unverified.
    county = [(1, 7, 0), (None, None, None)] + [(0, 0, 0)] * 8 + [(1, 4, 0), (2, 8, 0)]
    township = [(None, None, None)] * 10 + [(1, 4, 0), (1, 3, 0)]
    return (
        ids,
        [[w.isoformat(), *n] for w, n in zip(weeks, county, strict=True)],
        [[w.isoformat(), *n] for w, n in zip(weeks, township, strict=True)],
    )


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _as_csv(series: list[list], unknown: str) -> list[list[str]]:
    return [[w, *(unknown if v is None else str(v) for v in rest)] for w, *rest in series]


def test_weekly_numbers_equal_a_hand_computation_and_export(app, client):
    ids, county, _ = _seed(app, client)
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/trend.csv"))
    assert rows[0] == ["周（周一开始）", "本周活跃学员", "本周完成课数", "本周未核实的完成"]
    assert rows[1:] == _as_csv(county, "未知")
    rows = _csv(client.get(f"{EXPORT}/trend.csv?lang=en"))
    assert rows[0] == [
        "Week (from Monday)",
        "Active learners in the week",
        "Lessons completed in the week",
        "Completions unverified in the week",
    ]
    assert rows[1:] == _as_csv(county, "unknown")

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{EXPORT}/trend.xlsx").get_data()))
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert cells[0] == ["周（周一开始）", "本周活跃学员", "本周完成课数", "本周未核实的完成"]
    assert cells[1:] == [[w, *("未知" if v is None else v for v in rest)] for w, *rest in county]

    # One point only: p1b's weeks.
    rows = _csv(client.get(f"{EXPORT}/trend.csv?point={ids['p1b']}"))
    assert [r[1:] for r in rows[1:]][-1] == ["1", "5", "0"] and rows[1][1:] == ["1", "7", "0"]


def test_township_admin_never_sees_the_other_townships_weeks(app, client):
    ids, _, township = _seed(app, client)
    sign_in(client, ids["admin1a"])
    assert _csv(client.get(f"{EXPORT}/trend.csv"))[1:] == _as_csv(township, "未知")
    assert client.get(f"{EXPORT}/trend.csv?area={ids['t1b']}").status_code == 404
    assert client.get(f"{EXPORT}/trend.csv?point={ids['p1b']}").status_code == 404
    html = client.get(DASH).get_data(as_text=True)
    table = re.search(r'id="table-trend">(.*?)</table>', html, re.S).group(1)
    cells = re.findall(r"<(?:td|th scope=\"row\")>(.*?)</t[dh]>", table, re.S)
    flat = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    assert flat == [str(v) if v is not None else "未知" for row in township for v in row]


def test_dashboard_draws_the_trend_with_title_and_unknown_apart(app, client):
    ids, county, _ = _seed(app, client)
    sign_in(client, ids["admin"])
    for lang in ("zh-CN", "en"):
        text = TEXT[lang]
        html = client.get(f"{DASH}?lang={'en' if lang == 'en' else 'zh'}").get_data(as_text=True)
        assert text["trend"] in html
        for key in ("trend_active", "trend_lessons"):
            title = text[key]
            svg = re.search(
                rf'<svg role="img" aria-label="{re.escape(title)}".*?</svg>', html, re.S
            ).group(0)
            assert f"<title>{title}</title>" in svg
            # Ten known weeks drawn as columns (zero is a column of height 0), one unknown.
            assert svg.count("<rect") == 11
            assert f"{county[1][0]}: {text['unknown']}" in svg
        active = re.search(rf'aria-label="{re.escape(text["trend_active"])}".*?</svg>', html, re.S)
        assert f"{county[-1][0]}: 2</title>" in active.group(0)


def test_an_ingested_lesson_counts_in_this_week(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b")])
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/trend.csv"))
    assert len(rows) == 13 and rows[-1][1:] == ["1", "2", "0"]
    assert all(r[1:] == ["未知", "未知", "未知"] for r in rows[1:-1])


def test_an_unverified_completion_counts_apart_in_this_week(app, client):
    """A completion without evidence (an older phone, a quick tap) is in the week's trend,
    in its own column, never among the lessons completed."""
    ids = make_org(app)
    a = Learner(client, "p1a")
    quick = a.record(lesson="02-b")
    del quick["result"]["evidence"]
    a.send([a.record(lesson="01-a"), quick])
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/trend.csv"))
    assert rows[-1][1:] == ["1", "1", "1"]
    html = client.get(DASH).get_data(as_text=True)
    table = re.search(r'id="table-trend">(.*?)</table>', html, re.S).group(1)
    assert "本周未核实的完成" in table
