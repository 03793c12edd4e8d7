"""Reports as registered tables (reports/tables.py): an export computes only the parts of
the report its own table reads, the dashboard every part; charts come from the figures."""

from __future__ import annotations

import dataclasses
import re

import pytest

from xuedian.reports import figures
from xuedian.reports.tables import NAMES, TABLES

from .helpers import Learner, make_org, sign_in

#: Each part of figures.build, by the function that computes it.
PART_FUNCTIONS = {
    "groups": "_group_pass",
    "funnel": "_funnel",
    "ages": "_ages",
    "topics": "_topics",
    "carry": "carry",
    "trend": "weekly",
    "learners": "learner_rows",
    "credits": "credit_figures",
}


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The names of the report's part functions called, in order."""
    calls: list[str] = []
    for name in PART_FUNCTIONS.values():
        original = getattr(figures, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(figures, name, spy)
    return calls


def _admin_with_a_record(app, client) -> None:
    ids = make_org(app)
    a = Learner(client, "p1a")
    a.send([a.record(lesson="01-a"), a.asked("养鸡")])
    sign_in(client, ids["admin"])


def test_every_table_is_registered_with_parts_figures_computes():
    assert set(NAMES) == set(TABLES)
    for table in TABLES.values():
        assert table.needs and set(table.needs) <= set(figures.PARTS), table.name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ages", {"_ages"}),
        ("credits", {"credit_figures"}),
        ("topics", {"_topics"}),
        ("funnel", {"_funnel"}),
        ("trend", {"weekly"}),
        ("carry_villages", {"carry"}),
        ("health", {"_group_pass"}),
        ("learners", {"_group_pass", "learner_rows"}),
    ],
)
def test_table_export_computes_only_its_own_table(app, client, computed, name, expected):
    _admin_with_a_record(app, client)
    computed.clear()
    response = client.get(f"/staff/reports/export/{name}.csv")
    assert response.status_code == 200
    response.get_data()
    assert set(computed) == expected


def test_dashboard_computes_every_part_once(app, client, computed):
    _admin_with_a_record(app, client)
    computed.clear()
    assert client.get("/staff/reports/").status_code == 200
    assert sorted(computed) == sorted(PART_FUNCTIONS.values())


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, re.S)


def test_stacked_charts_are_drawn_from_the_figures_not_the_rows(app, client, monkeypatch):
    """The freshness chart draws the shares of the raw counts: the table's rows formatted
    otherwise (text, as a page or an export might) leave every chart as it was."""
    _admin_with_a_record(app, client)
    before = client.get("/staff/reports/").get_data(as_text=True)
    table = TABLES["freshness_devices"]

    def formatted(report, lang, text, limit=None):
        header, rows = table.rows(report, lang, text, limit)
        return header, [[row[0], *(f"{v}%" for v in row[1:])] for row in rows]

    monkeypatch.setitem(TABLES, "freshness_devices", dataclasses.replace(table, rows=formatted))
    after = client.get("/staff/reports/")
    assert after.status_code == 200
    assert "%</td>" in after.get_data(as_text=True)  # the page shows the formatted rows
    assert _svgs(before) and _svgs(after.get_data(as_text=True)) == _svgs(before)
