"""Derived progress depends only on the set of records: not their order, not duplicates."""

from __future__ import annotations

import itertools
import random
import uuid
from datetime import UTC, datetime, timedelta

from xuedian.learners.progress import derive
from xuedian.sync import facts
from xuedian.sync.facts import MAX_RECORD_SECONDS

VERBS = "http://adlnet.gov/expapi/verbs/"
COMPLETED, VOIDED = VERBS + "completed", VERBS + "voided"
ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())
PACK = "heritage-opera"
START = datetime(2026, 11, 1, 8, tzinfo=UTC)
RULES = {PACK: (2.5, frozenset({"01-intro", "02-masks"})), "other": (1.0, frozenset({"x"}))}


def record(learner=ALICE, verb=COMPLETED, lesson="01-intro", minutes=0, **result) -> dict:
    obj = {"pack": PACK, "version": 1}
    if lesson:
        obj["lesson"] = lesson
    if "item" in result:
        obj["item"] = result.pop("item")
    if verb == COMPLETED:
        result.setdefault("evidence", {"quiz": True})
    return stored(
        {
            "id": str(uuid.uuid4()),
            "learner": learner,
            "verb": verb,
            "object": obj,
            "result": result or None,
            "timestamp": START + timedelta(minutes=minutes),
        }
    )


def stored(raw: dict) -> dict:
    """A record as storage holds it: the body with its facts columns."""
    return {**raw, **facts.parse(raw), "voided": False}


def void(target: dict, learner=None) -> dict:
    return stored(
        {
            "id": str(uuid.uuid4()),
            "learner": learner or target["learner"],
            "verb": VOIDED,
            "object": {"pack": PACK, "version": 1, "record": target["id"]},
            "result": None,
            "timestamp": START + timedelta(days=1),
        }
    )


def test_derive_gives_the_same_result_for_every_order():
    done = record(duration="PT1M5S")
    records = [
        done,
        record(verb=VERBS + "attempted", minutes=1, score=0.5, duration="PT30S"),
        record(verb=VERBS + "attempted", minutes=2, score=0.9),
        record(lesson="02-masks", minutes=3, duration="PT2M"),
        record(lesson=None, verb=VERBS + "attended", duration="PT10M"),
        void(done),
    ]
    expected = derive(records, RULES)
    for order in itertools.permutations(records):
        assert derive(order, RULES) == expected
    # The voided completion is gone; the attempts still count.
    (intro, masks) = expected[ALICE].lessons
    assert (intro.lesson, intro.completed, intro.best_score) == ("01-intro", False, 0.9)
    assert intro.seconds == 30
    assert masks.completed is True
    assert expected[ALICE].credits == 0


def test_derive_ignores_duplicates():
    records = [record(duration="PT1M"), record(lesson="02-masks", duration="PT1M")]
    once = derive(records, RULES)
    shuffled = records * 3
    random.Random(4).shuffle(shuffled)
    assert derive(shuffled, RULES) == once
    assert once[ALICE].hours == round(120 / 3600, 2)
    assert once[ALICE].credits == 2.5


def test_derive_void_arriving_before_its_target_removes_it():
    target = record(duration="PT5M")
    assert derive([void(target)], RULES) == {}
    assert derive([void(target), target], RULES) == {}


def test_derive_void_by_another_learner_or_of_a_void_changes_nothing():
    target = record(duration="PT5M")
    foreign = void(target, learner=BOB)
    result = derive([target, foreign], RULES)
    assert result[ALICE].lessons[0].completed is True
    # A voiding record cannot be voided: the completion stays removed.
    first = void(target)
    assert ALICE not in derive([target, first, void(first)], RULES)


def test_derive_best_score_is_the_highest_lesson_score_not_a_question_score():
    records = [
        record(verb=VERBS + "attempted", score=0.4),
        record(verb=VERBS + "attempted", score=0.8, minutes=5),
        record(verb=VERBS + "attempted", score=0.6, minutes=9),
        record(verb=VERBS + "answered", score=1.0, item="q1"),
    ]
    (row,) = derive(records, RULES)[ALICE].lessons
    assert row.best_score == 0.8
    assert row.completed is False
    assert row.updated == START + timedelta(minutes=9)


def test_derive_seconds_hours_and_the_per_record_cap():
    records = [
        record(duration="PT1M5S"),
        record(duration="PT30M", minutes=1),
        record(lesson="02-masks", duration="P1D"),
        record(lesson=None, verb=VERBS + "attended", duration="PT1H"),
    ]
    totals = derive(records, RULES)[ALICE]
    intro, masks = totals.lessons
    assert intro.seconds == 65 + 1800
    assert masks.seconds == MAX_RECORD_SECONDS
    assert totals.hours == round((65 + 1800 + MAX_RECORD_SECONDS + 3600) / 3600, 2)
    assert totals.lessons_completed == 2  # a lesson completed twice counts once


def test_derive_credits_need_every_lesson_of_the_current_release():
    intro = record()
    masks = record(lesson="02-masks")
    masks["object"]["version"] = 2  # completed in another version of the pack: it counts
    assert derive([intro], RULES)[ALICE].credits == 0
    # Completed without evidence: unverified, so never credited, though completed.
    quick = record(lesson="02-masks", evidence=None)
    quick["engagement"] = None
    assert derive([intro, quick], RULES)[ALICE].credits == 0
    assert derive([intro, quick], RULES)[ALICE].lessons_completed == 2
    assert derive([intro, masks], RULES)[ALICE].credits == 2.5
    assert derive([intro, masks], None)[ALICE].credits == 0
    # A new release adds a lesson: the credits wait for it.
    newer = {**RULES, PACK: (2.5, frozenset({"01-intro", "02-masks", "03-songs"}))}
    assert derive([intro, masks], newer)[ALICE].credits == 0
    empty = {PACK: (2.5, frozenset())}
    assert derive([intro, masks], empty)[ALICE].credits == 0


def test_derive_keeps_learners_apart():
    result = derive([record(), record(learner=BOB, lesson="02-masks")], RULES)
    assert [r.lesson for r in result[ALICE].lessons] == ["01-intro"]
    assert [r.lesson for r in result[BOB].lessons] == ["02-masks"]
    assert result[BOB].lessons_completed == 1
