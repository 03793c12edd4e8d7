"""CSV and XLSX exports: same rows as the page, formulas neutralised, streamed, scoped."""

from __future__ import annotations

import csv
import io

import openpyxl

from xuedian.reports import exports
from xuedian.reports.exports import neutralise

from .helpers import Learner, make_org, sign_in

EXPORT = "/staff/reports/export"


def test_neutralise():
    for bad in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("养鸡") == "养鸡" and neutralise(-3) == -3 and neutralise(None) is None


def test_neutralise_full_width_and_hidden_prefixes():
    """Spreadsheets fold full-width ＝＋－＠ and skip zero-width or space characters
    before deciding a cell is a formula."""
    for bad in (
        "＝1+1",
        "＋SUM(A1)",
        "－2+3",
        "＠cmd",
        "\u200b=1+1",
        '\ufeff=HYPERLINK("x")',
        "\u2060\u200d@cmd",
        " =1+1",
        "\u3000＝1",
        "\u202e=1",
    ):
        assert neutralise(bad) == "'" + bad, repr(bad)
    for fine in ("a＝b", "1 = 1", "\u200b养鸡"):
        assert neutralise(fine) == fine


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_topic_table_csv_and_xlsx_neutralise_formulas(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.asked('=HYPERLINK("http://x")'), a.asked("养鸡"), a.asked("养鸡")])
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/topics.csv?lang=en"))
    assert rows[0] == ["Topic", "Requests"]
    assert rows[1:] == [["养鸡", "2"], ['\'=HYPERLINK("http://x")', "1"]]
    response = client.get(f"{EXPORT}/topics.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert cells == [["主题", "请求次数"], ["养鸡", 2], ['\'=HYPERLINK("http://x")', 1]]
    assert book.active["A3"].data_type == "s"  # text, never a formula


def test_every_table_exports_in_both_formats(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="01-a")])
    sign_in(client, ids["admin"])
    for name in ("health", "learning", "freshness_devices", "freshness_points", "funnel"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"{EXPORT}/{name}.{fmt}?area={ids['v1a']}")
            assert response.status_code == 200, (name, fmt)
    rows = _csv(client.get(f"{EXPORT}/health.csv?area={ids['v1a']}"))
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["东庄学习点"][2] == "1"
    assert by_name["东庄二点"][2] == "0" and by_name["东庄二点"][3] == "未知"
    assert client.get(f"{EXPORT}/nonsense.csv").status_code == 404


def test_record_export_streams_and_stays_in_scope(app, client, monkeypatch):
    ids = make_org(app)
    a, b = Learner(client, "p1a"), Learner(client, "p1b")
    mine = [a.record(lesson=f"0{i}-x") for i in range(3)]
    a.send(mine)
    b.send([b.record(lesson="01-a")])
    sign_in(client, ids["admin1a"])
    monkeypatch.setattr(exports, "CHUNK", 1)
    response = client.get(f"{EXPORT}/records.csv", buffered=False)
    assert response.is_streamed and not isinstance(response.response, list | bytes)
    chunks = [c.decode() if isinstance(c, bytes) else c for c in response.response]
    assert len(chunks) >= 4  # header, then a row at a time: written as read, not built whole
    response.close()
    rows = list(csv.reader(io.StringIO("".join(chunks).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "device", "point"]
    assert sorted(r[0] for r in rows[1:]) == sorted(r["id"] for r in mine)
    assert {r[2] for r in rows[1:]} == {"p1a"}
    sign_in(client, ids["admin"])
    assert len(_csv(client.get(f"{EXPORT}/records.csv"))) == 5


def test_register_exports(app, client):
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([{"id": "=bad", "verb": "x"}])
    sign_in(client, ids["admin"])
    rows = _csv(client.get(f"{EXPORT}/register.csv?lang=en"))
    assert rows[0][1] == "Kind" and len(rows) == 2
    assert rows[1][4] == "'=bad" and rows[1][2] == "p1a"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{EXPORT}/register.xlsx").get_data()))
    assert book.active.max_row == 2
