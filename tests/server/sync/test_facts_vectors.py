"""tests/vectors/record_facts.json through the server: the parser alone, then every case
sent through real ingest (in its arrival order), checking the stored facts, the learners'
derived progress, the county's aggregates, and that a rebuild recounts them alike.

pwa/test/facts.test.mjs checks the same file against the app's rules.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.learners.service import learner_progress, progress_rows, totals_row
from xuedian.reports.aggregates import rebuild
from xuedian.reports.models import ActivityDaily, CourseLearner, LessonDone, TopicDaily
from xuedian.sync import facts
from xuedian.sync.models import LearningRecord

from .helpers import Phone

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "vectors" / "record_facts.json").read_text("utf-8")
)
CASES = VECTORS["cases"]
AGGREGATES = (ActivityDaily, CourseLearner, LessonDone, TopicDaily)


def test_facts_rules_are_the_vector_files():
    rules = VECTORS["rules"]
    assert rules == {
        "max_record_seconds": facts.MAX_RECORD_SECONDS,
        "quiz_item": facts.QUIZ_ITEM,
        "quiz_pass": facts.QUIZ_PASS,
        "min_read_seconds": facts.MIN_READ_SECONDS,
        "read_chars_per_second": facts.READ_CHARS_PER_SECOND,
        "min_listened": facts.MIN_LISTENED,
        "evidence_order": list(facts.EVIDENCE_ORDER),
    }


@pytest.mark.parametrize(("text", "seconds"), VECTORS["durations"])
def test_facts_duration_seconds(text, seconds):
    assert facts.duration_seconds(text) == seconds


@pytest.mark.parametrize(("evidence", "kind"), VECTORS["evidence"])
def test_facts_engagement(evidence, kind):
    assert facts.engagement(evidence) == kind


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_facts_parse_each_record(case):
    for record, expected in zip(case["records"], case["facts"], strict=True):
        assert facts.parse(record) == {k: v for k, v in expected.items() if k != "voided"}


def _rules(case) -> dict:
    return {
        pack: (rule["credit_hours"], frozenset(rule["lessons"]))
        for pack, rule in case.get("packs", {}).items()
    }


def _snapshot() -> dict:
    out = {}
    for model in AGGREGATES:
        cols = [c.name for c in model.__table__.columns]
        rows = db.session.execute(select(model.__table__)).all()
        out[model.__tablename__] = sorted(tuple(getattr(r, c) for c in cols) for r in rows)
    return out


def _county() -> dict:
    a = ActivityDaily
    sums = db.session.execute(
        select(
            func.coalesce(func.sum(a.records), 0),
            func.coalesce(func.sum(a.lessons), 0),
            func.coalesce(func.sum(a.unverified), 0),
            func.coalesce(func.sum(a.seconds), 0),
            func.coalesce(func.sum(a.asked), 0),
        )
    ).one()
    out = dict(zip(("records", "lessons", "unverified", "seconds", "asked"), sums, strict=True))
    # Distinct lessons done with evidence: the course funnel's count.
    out["lessons_done"] = db.session.scalar(select(func.count()).select_from(LessonDone))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_facts_vectors_through_ingest(app, client, case):
    phone = Phone()
    phone.register(client)
    records = copy.deepcopy(case["records"])
    for seq, record in enumerate(records, 1):
        record["device_seq"] = seq
    for arrival in case["arrivals"]:
        response = phone.send(client, [records[i] for i in arrival])
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["rejected"] == []
    with app.app_context():
        r = LearningRecord
        for record, expected in zip(records, case["facts"], strict=True):
            row = db.session.execute(
                select(r.voided, *(getattr(r, c) for c in facts.COLUMNS)).where(
                    r.id == record["id"]
                )
            ).one()
            assert dict(row._mapping) == expected, record
        for learner, expected in case["learners"].items():
            derived = learner_progress(learner, _rules(case))
            total = totals_row(derived)
            assert total == {
                "learner": learner,
                **{k: expected[k] for k in ("lessons_completed", "lessons_verified")},
                "hours": expected["hours"],
                "credits": expected["credits"],
            }
            lessons = [
                {k: v for k, v in row.items() if k not in ("learner", "updated")}
                for row in progress_rows(derived)
            ]
            assert lessons == expected["lessons"]
            assert derived.seconds == expected["seconds"]
        assert _county() == case["county"]
        ingested = _snapshot()
        assert rebuild(chunk=2) == len(records)
        assert _snapshot() == ingested
        db.session.rollback()
        # The command an operator runs recounts the same, and commits.
        result = CliRunner().invoke(main, ["reports", "rebuild"])
        assert result.exit_code == 0, result.output
        assert f"recounted {len(records)} records" in result.output
        db.session.remove()
        assert _snapshot() == ingested


@pytest.mark.parametrize(
    "evidence",
    [{"listened": 1.5}, {"seconds": -1}, {"seconds": 2.5}, {"quiz": "yes"}, {"watched": 1}],
)
def test_facts_evidence_out_of_shape_is_quarantined(app, client, evidence):
    phone = Phone()
    phone.register(client)
    record = copy.deepcopy(CASES[0]["records"][0])
    record["result"]["evidence"] = evidence
    record["device_seq"] = 1
    receipt = phone.send(client, [record]).get_json()
    assert [r["code"] for r in receipt["rejected"]] == ["record-invalid"]
