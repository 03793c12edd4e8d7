"""Earn rules: points for verified completions and passed quizzes, once per record and per
lesson, reversed when the record is voided; a three-second "完成" earns nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from xuedian.extensions import db
from xuedian.points import earn, ledger
from xuedian.points.models import PointsEntry

from ..sync.helpers import register, uuid7

BATCHES = "/api/v1/sync/batches"
VERBS = "http://adlnet.gov/expapi/verbs/"


def _record(seq, verb, obj, result):
    return {
        "id": uuid7(),
        "learner": "",
        "verb": VERBS + verb,
        "object": {"pack": "heritage-opera", "version": 1, **obj},
        "result": result,
        "timestamp": "2026-11-30T02:00:00Z",
        "device_id": None,
        "device_seq": seq,
    }


def _completion(seq, engaged=True):
    evidence = {"seconds": 130, "chars": 900} if engaged else {"seconds": 3, "chars": 900}
    return _record(seq, "completed", {"lesson": "01-intro"}, {"evidence": evidence})


def _quiz(seq, success):
    score = 1 if success else 0.5
    return _record(
        seq,
        "attempted",
        {"lesson": "01-intro", "item": "quiz"},
        {"score": score, "success": success},
    )


def _send(client, phone, records):
    for r in records:
        r["learner"] = phone.learner
        r.pop("device_id")
    response = client.post(BATCHES, json=phone.batch(records))
    assert response.status_code == 200, response.json
    return response


def _entries(app, learner):
    with app.app_context():
        rows = db.session.scalars(
            select(PointsEntry).where(PointsEntry.learner == learner).order_by(PointsEntry.id)
        )
        return [(e.kind, e.points, e.reason) for e in rows]


def _rules(app, **points):
    with app.app_context():
        for kind, value in points.items():
            earn.set_rule(kind.replace("_", "-"), value)
        db.session.commit()


def test_earn_verified_completion_and_passed_quiz_once(app, client):
    _rules(app, lesson_completed=10, quiz_passed=5)
    phone = register(client)
    batch = [_completion(1, engaged=False), _quiz(2, False), _completion(3), _quiz(4, True)]
    batch += [_completion(5)]  # the same lesson again: it earned already
    _send(client, phone, batch)
    # a resent batch (its records already stored) earns nothing more
    response = client.post(BATCHES, json=phone.batch(batch))
    assert response.status_code == 200
    assert _entries(app, phone.learner) == [
        ("earn", 10, "lesson-completed"),
        ("earn", 5, "quiz-passed"),
    ]


def test_earn_three_second_completion_earns_nothing(app, client):
    _rules(app, lesson_completed=10)
    phone = register(client)
    _send(client, phone, [_completion(1, engaged=False)])
    assert _entries(app, phone.learner) == []


def test_earn_voided_record_is_reversed_and_the_lesson_can_earn_again(app, client):
    _rules(app, lesson_completed=10)
    phone = register(client)
    done = _completion(1)
    _send(client, phone, [done])
    _send(client, phone, [_record(2, "voided", {"record": done["id"]}, None)])
    with app.app_context():
        assert ledger.balance(phone.learner) == 0
    _send(client, phone, [_completion(3)])
    assert _entries(app, phone.learner) == [
        ("earn", 10, "lesson-completed"),
        ("reverse", -10, "lesson-completed"),
        ("earn", 10, "lesson-completed"),
    ]


def test_earn_no_rules_no_points(app, client):
    phone = register(client)
    _send(client, phone, [_completion(1)])
    assert _entries(app, phone.learner) == []


def test_ledger_append_is_exactly_once(app):
    learner = str(uuid.uuid4())
    with app.app_context():
        assert ledger.append("k1", learner, "earn", 7, "test") is True
        assert ledger.append("k1", learner, "earn", 7, "test") is False
        db.session.commit()
        assert ledger.balance(learner) == 7
        assert len(ledger.history(learner)) == 1


def _cli(app, *args):
    from click.testing import CliRunner

    from xuedian.cli import main

    with app.app_context():
        return CliRunner().invoke(main, ["points", *args])


def test_points_cli_sets_rules_and_prints_balance(app):
    result = _cli(app, "rule", "lesson-completed", "12")
    assert result.exit_code == 0, result.output
    assert _cli(app, "rules").output == "lesson-completed\t12\n"
    bad = _cli(app, "rule", "tea-drunk", "1")
    assert bad.exit_code == 1 and "points-rule-unknown" in bad.output
    learner = str(uuid.uuid4())
    with app.app_context():
        ledger.append("k", learner, "earn", 12, "lesson-completed")
        db.session.commit()
    output = _cli(app, "balance", learner).output
    assert output.startswith("balance\t12\nearn\t12\tlesson-completed\t")
