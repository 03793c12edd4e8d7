"""A learner id belongs to the phone that first sent it: another phone's records for it are
quarantined (``learner-not-yours``), the rest of its batch goes on, and the changes feed
never hands one phone another phone's learner."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.sync.models import LearnerOwner, LearningRecord, QuarantinedRecord

from .helpers import Phone, make_record
from .test_feed import changes, lesson_record


def test_learner_owner_records_from_another_phone_are_quarantined(app, client):
    mine, thief = Phone(), Phone()
    mine.register(client)
    thief.register(client)
    learner = str(uuid.uuid4())
    assert mine.send(client, [lesson_record(1, learner, "01-a")]).status_code == 200

    own = {**make_record(2), "learner": thief.learner}
    stolen = lesson_record(1, learner, "02-b")
    receipt = thief.send(client, [stolen, own]).get_json()
    assert [r["code"] for r in receipt["rejected"]] == ["learner-not-yours"]
    assert receipt["rejected"][0]["id"] == stolen["id"]
    assert receipt["accepted"] == [own["id"]]  # the rest of the batch goes on
    with app.app_context():
        (kept,) = db.session.scalars(select(QuarantinedRecord)).all()
        assert (kept.device_id, kept.record_id, kept.code) == (
            thief.device_id,
            stolen["id"],
            "learner-not-yours",
        )
        assert db.session.get(LearningRecord, stolen["id"]) is None
        owners = dict(
            db.session.execute(select(LearnerOwner.learner, LearnerOwner.device_id)).all()
        )
        assert owners == {learner: mine.device_id, thief.learner: thief.device_id}


def test_learner_owner_family_phone_holds_several_learners(app, client):
    family = Phone()
    family.register(client)
    grandma, grandson = str(uuid.uuid4()), str(uuid.uuid4())
    records = [lesson_record(1, grandma, "01-a"), lesson_record(2, grandson, "01-a")]
    receipt = family.send(client, records).get_json()
    assert receipt["rejected"] == [] and len(receipt["accepted"]) == 2
    later = family.send(client, [lesson_record(3, grandma, "02-b")]).get_json()
    assert later["rejected"] == []
    feed = changes(client, family)
    assert sorted(t["learner"] for t in feed["totals"]) == sorted([grandma, grandson])


def test_learner_owner_feed_never_gives_another_phones_learner(app, client):
    mine, thief = Phone(), Phone()
    mine.register(client)
    thief.register(client)
    learner = str(uuid.uuid4())
    assert mine.send(client, [lesson_record(1, learner, "01-a")]).status_code == 200
    # The thief sends a record for the learner (quarantined) and one of its own.
    thief.send(client, [lesson_record(1, learner, "02-b"), lesson_record(2, thief.learner, "x")])
    feed = changes(client, thief)
    assert [t["learner"] for t in feed["totals"]] == [thief.learner]
    assert {p["learner"] for p in feed["progress"]} == {thief.learner}
    with app.app_context():
        # A record stored before ownership existed (0007 gives the learner to its first
        # phone) does not open the feed either.
        db.session.add(
            LearningRecord(
                id=str(uuid.uuid4()),
                device_id=thief.device_id,
                device_seq=9,
                learner=learner,
                verb="http://adlnet.gov/expapi/verbs/experienced",
                object={"pack": "opera", "version": 1},
                result=None,
                timestamp=utcnow(),
                content_hash="0" * 64,
                received_at=utcnow(),
                change_seq=1,  # stored in the thief's one ingest so far
                verb_name="experienced",
                kind="pack",
                pack="opera",
            )
        )
        db.session.commit()
    feed = changes(client, thief)
    assert learner not in {t["learner"] for t in feed["totals"]}
