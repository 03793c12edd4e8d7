"""A phone that synced without a learning point's token is never invisible: every report,
dashboard table and export of the county's root administrator has an "unenrolled phones"
row for it; township administrators (and volunteers) never see it."""

from __future__ import annotations

import csv
import io

from .helpers import Learner, make_org, sign_in

REPORTS = "/staff/reports"
ROW = "未加入学习点的手机"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    return {r[0]: r for r in rows[1:]}


def _county(client) -> tuple[Learner, Learner, list[dict]]:
    enrolled, stray = Learner(client, "p1a"), Learner(client, None)
    enrolled.send([enrolled.record(lesson="01-a")])
    broken = stray.record(lesson="03-c")
    del broken["object"]["pack"]  # quarantined: the register must show it too
    records = [stray.record(lesson="01-a"), stray.record(lesson="02-b"), stray.asked("学修手机")]
    answer = stray.send([*records, broken])
    assert len(answer["rejected"]) == 1
    return enrolled, stray, records


def test_the_county_dashboard_and_every_table_show_unenrolled_phones(app, client):
    ids = make_org(app)
    _, stray, records = _county(client)
    sign_in(client, ids["admin"])
    page = client.get(f"{REPORTS}/").get_data(as_text=True)
    assert ROW in page and 'data-testid="unenrolled-note"' in page
    assert 'id="total-lessons">3<' in page  # one enrolled lesson, two unenrolled
    assert 'id="total-devices">2<' in page
    health = _by_name(_csv(client.get(f"{REPORTS}/export/health.csv")))
    assert health[ROW][1:3] == ["0", "1"]  # no point, one phone
    learning = _by_name(_csv(client.get(f"{REPORTS}/export/learning.csv")))
    assert learning[ROW][4] == "2"  # its two lessons
    assert learning[ROW][8] == "1"  # and its topic request (after unverified, hours, records)
    topics = _by_name(_csv(client.get(f"{REPORTS}/export/topics.csv")))
    assert topics["学修手机"][1] == "1"
    assert ROW in _by_name(_csv(client.get(f"{REPORTS}/export/freshness_devices.csv")))
    assert ROW not in _by_name(_csv(client.get(f"{REPORTS}/export/freshness_points.csv")))
    english = _by_name(_csv(client.get(f"{REPORTS}/export/health.csv?lang=en")))
    assert "Unenrolled phones" in english
    exported = _csv(client.get(f"{REPORTS}/export/records.csv"))
    mine = {r[0]: r for r in exported[1:] if r[1] == stray.phone.device_id}
    assert set(mine) == {r["id"] for r in records}
    assert {r[2] for r in mine.values()} == {ROW}
    register = _csv(client.get(f"{REPORTS}/export/register.csv"))
    assert [r[2] for r in register[1:]] == [ROW]
    carried = stray.phone.bundle([[stray.record(lesson="04-d")]])
    answer = client.post(
        "/api/v1/sync/bundles", data=carried, content_type="application/octet-stream"
    )
    assert answer.status_code == 200 and answer.json["bundles"][0]["ok"]
    villages = _by_name(_csv(client.get(f"{REPORTS}/export/carry_villages.csv")))
    assert villages[ROW][1] == "1"
    # Narrowed to the county itself, the row stays; to a township, it goes.
    assert ROW in client.get(f"{REPORTS}/?area={ids['county']}").get_data(as_text=True)
    township = client.get(f"{REPORTS}/?area={ids['t1a']}").get_data(as_text=True)
    assert ROW not in township and 'id="total-lessons">1<' in township


def test_a_township_admin_never_sees_unenrolled_phones(app, client):
    ids = make_org(app)
    _, stray, _ = _county(client)
    sign_in(client, ids["admin1a"])
    page = client.get(f"{REPORTS}/").get_data(as_text=True)
    assert ROW not in page and 'id="total-lessons">1<' in page
    exported = _csv(client.get(f"{REPORTS}/export/records.csv"))
    assert stray.phone.device_id not in {r[1] for r in exported[1:]}
    assert _csv(client.get(f"{REPORTS}/export/register.csv"))[1:] == []
    sign_in(client, ids["vol"])
    assert client.get(f"{REPORTS}/").status_code == 403


def test_the_row_shows_even_before_any_unenrolled_phone_synced(app, client):
    ids = make_org(app)
    enrolled = Learner(client, "p1a")
    enrolled.send([enrolled.record(lesson="01-a")])
    sign_in(client, ids["admin"])
    health = _by_name(_csv(client.get(f"{REPORTS}/export/health.csv?lang=en")))
    assert health["Unenrolled phones"][1:3] == ["0", "0"]


def test_the_row_drills_down_to_each_unenrolled_phone(app, client):
    ids = make_org(app)
    _, stray, _ = _county(client)
    sign_in(client, ids["admin"])
    page = client.get(f"{REPORTS}/").get_data(as_text=True)
    assert f'href="{REPORTS}/?unenrolled=1">{ROW}</a>' in page
    drilled = client.get(f"{REPORTS}/?unenrolled=1").get_data(as_text=True)
    assert f'<span aria-current="page">{ROW}</span>' in drilled
    assert 'id="total-devices">1<' in drilled and 'id="total-lessons">2<' in drilled
    health = _csv(client.get(f"{REPORTS}/export/health.csv?unenrolled=1"))
    assert [r[0] for r in health[1:]] == [stray.phone.device_id[:8]]
    exported = _csv(client.get(f"{REPORTS}/export/records.csv?unenrolled=1"))
    assert {r[1] for r in exported[1:]} == {stray.phone.device_id}
    sign_in(client, ids["admin1a"])
    assert client.get(f"{REPORTS}/?unenrolled=1").status_code == 404
