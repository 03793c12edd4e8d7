"""The dashboard and the register: admin only, scoped, unknown shown apart from zero, both
languages, drill-down county → township → point."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from xuedian.core.words import WORDS as TEXT
from xuedian.reports.tables import NAMES

from .helpers import Learner, make_org, sign_in

DASH = "/staff/reports/"


def test_every_string_exists_in_both_languages():
    assert set(TEXT["zh-CN"]) == set(TEXT["en"])
    assert all(TEXT["zh-CN"].values()) and all(TEXT["en"].values())


def test_anonymous_is_sent_to_login_and_a_volunteer_is_refused(app, client):
    ids = make_org(app)
    response = client.get(DASH)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    sign_in(client, ids["vol"])
    assert client.get(DASH).status_code == 403
    assert client.get("/staff/reports/export/records.csv").status_code == 403


def _figure(html: str, key: str) -> str:
    match = re.search(rf'id="total-{key}">(.*?)</dd>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_dashboard_shows_figures_and_unknown_apart_from_zero(app, client, lang):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="01-a"), a.record(lesson="02-b"), a.asked("种蘑菇")], unsent=3)
    sign_in(client, ids["admin"])
    query = "?lang=en" if lang == "en" else ""
    html = client.get(DASH + query).get_data(as_text=True)
    text = TEXT[lang]
    assert _figure(html, "lessons") == "2"
    assert _figure(html, "active7") == "1"
    assert "种蘑菇" in html
    assert text["sync_health"] in html and "<svg" in html and "<title>" in html
    # The empty point is unknown, not zero, at the village level.
    html = client.get(f"{DASH}?area={ids['v1a']}&lang={'en' if lang == 'en' else 'zh'}")
    html = html.get_data(as_text=True)
    pattern = r"<tr>\s*<th scope=\"row\"><a[^>]*>(p1a-empty|东庄二点)</a>.*?</tr>"
    row = re.search(pattern, html, re.S)
    assert row and text["unknown"] in row.group(0)
    # A point with no phone has no learning figures at all.
    html = client.get(f"{DASH}?point={ids['p1a-empty']}{'&lang=en' if lang == 'en' else ''}")
    html = html.get_data(as_text=True)
    assert text["unknown"] in _figure(html, "lessons")
    assert _figure(html, "devices") == "0"


def test_drill_down_links_county_township_point(app, client):
    ids = make_org(app)
    sign_in(client, ids["admin"])
    html = client.get(DASH).get_data(as_text=True)
    assert f"?area={ids['t1a']}" in html and f"?area={ids['t1b']}" in html
    html = client.get(f"{DASH}?area={ids['t1a']}").get_data(as_text=True)
    assert f"?area={ids['v1a']}" in html
    html = client.get(f"{DASH}?area={ids['v1a']}").get_data(as_text=True)
    assert f"?point={ids['p1a']}" in html
    assert client.get(f"{DASH}?point={ids['p1a']}").status_code == 200


def test_a_township_admin_never_sees_the_other_township(app, client):
    ids = make_org(app)
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    a.send([a.record(lesson="01-a"), a.asked("东边的主题")])
    b.send([b.record(lesson="01-a"), b.record(lesson="02-b"), b.asked("西边的主题")])
    b.send([{"id": "bad"}])  # quarantined at 1b
    sign_in(client, ids["admin1a"])
    html = client.get(DASH).get_data(as_text=True)
    assert "西" not in html and "p1b" not in html
    assert "东边的主题" in html and _figure(html, "lessons") == "1"
    for query in (f"?area={ids['t1b']}", f"?area={ids['county']}", f"?point={ids['p1b']}"):
        assert client.get(DASH + query).status_code == 404
        assert client.get("/staff/reports/register" + query).status_code == 404
    register = client.get("/staff/reports/register").get_data(as_text=True)
    assert b.phone.device_id not in register
    for name in (*NAMES, "register", "records"):
        for fmt in ("csv", "xlsx") if name != "records" else ("csv",):
            for lang in ("", "&lang=en"):
                response = client.get(f"/staff/reports/export/{name}.{fmt}?x=1{lang}")
                assert response.status_code == 200, (name, fmt)
                body = response.get_data()
                if fmt == "xlsx":
                    book = openpyxl.load_workbook(io.BytesIO(body))
                    body = repr(list(book.active.iter_rows(values_only=True))).encode()
                for secret in ("西", "t1b", "p1b", b.phone.device_id, "西边的主题"):
                    assert secret.encode() not in body, (name, fmt, secret)
    # The county admin sees 1b's problem record, with something to do about it.
    sign_in(client, ids["admin"])
    register = client.get("/staff/reports/register").get_data(as_text=True)
    assert b.phone.device_id in register and TEXT["zh-CN"]["action_invalid"] in register


def test_dashboard_counts_a_voided_completion_for_nothing_and_unverified_apart(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    read = a.record(lesson="01-a")  # with evidence, as the app sends a lesson read
    quick = a.record(lesson="02-b")
    quick["result"] = {"duration": "PT3S"}  # a three-second tap: no evidence
    wrong = a.record(lesson="03-c")
    wrong["result"]["duration"] = "PT1H"
    a.send([read, quick, wrong])
    void = a.record("voided")
    void["object"] = {"pack": "xuedian-welcome", "version": 1, "record": wrong["id"]}
    void.pop("result")
    a.send([void])
    sign_in(client, ids["admin"])
    html = client.get(DASH).get_data(as_text=True)
    assert _figure(html, "lessons") == "1"  # the voided completion takes its lesson back
    assert _figure(html, "unverified") == "1"
    assert _figure(html, "hours") == "0.0"  # and its hour

    csv_text = client.get("/staff/reports/export/records.csv").get_data(as_text=True)
    rows = {line.split(",")[0]: line for line in csv_text.splitlines()[1:]}
    assert rows[read["id"]].endswith(",time,false")
    assert rows[quick["id"]].endswith(",unverified,false")
    assert rows[wrong["id"]].endswith(",time,true")
