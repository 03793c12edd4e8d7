"""The heartbeat enrols a phone at a learning point and reports its profiles; topic
requests travel as `asked` records."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.learners.models import LearnerProfile
from xuedian.org.models import Area, LearningPoint
from xuedian.sync.models import Device, LearningRecord, QuarantinedRecord
from xuedian.sync.xapi import statement

from .helpers import LEARNER, STATUS, make_record, register

ASKED = "http://adlnet.gov/expapi/verbs/asked"


def add_point(app, code: str) -> int:
    with app.app_context():
        village = Area(level="village", code=f"v-{code}", name="东庄村", path="")
        db.session.add(village)
        db.session.flush()
        village.path = f"/{village.id}/"
        point = LearningPoint(code=code, name="东庄学习点", area_id=village.id, created_at=utcnow())
        db.session.add(point)
        db.session.commit()
        return point.id


def send_status(client, phone, seq: int, **status):
    batch = phone.batch([make_record(seq)], status={**STATUS, **status})
    response = client.post("/api/v1/sync/batches", json=batch)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_point_code_enrols_the_phone_and_an_unknown_code_leaves_it(app, client):
    point_id = add_point(app, "dz-01")
    phone = register(client)
    send_status(client, phone, 1, point="dz-01")
    send_status(client, phone, 2, point="no-such-point")
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        assert device.learning_point_id == point_id
        assert device.last_status["point"] == "no-such-point"


def test_profiles_are_upserted_and_another_phone_cannot_rewrite_them(app, client):
    phone, other = register(client), register(client)
    second = str(uuid.uuid4())
    send_status(
        client,
        phone,
        1,
        profiles=[
            {"learner": LEARNER, "age_band": "60-69"},
            {"learner": second, "village": "东庄"},
        ],
    )
    send_status(client, phone, 2, profiles=[{"learner": LEARNER, "age_band": "70+"}])
    send_status(client, other, 1, profiles=[{"learner": LEARNER, "age_band": "under-30"}])
    with app.app_context():
        rows = {r.learner: r for r in db.session.scalars(select(LearnerProfile))}
        assert rows[LEARNER].age_band == "70+"
        assert rows[LEARNER].device_id == phone.device_id
        assert rows[second].village == "东庄"


def test_a_bad_profile_or_point_refuses_the_batch_and_stores_nothing(app, client):
    phone = register(client)
    for status in ({"point": "a b"}, {"profiles": [{"learner": LEARNER, "age_band": "old"}]}):
        batch = phone.batch([make_record(1)], status={**STATUS, **status})
        assert client.post("/api/v1/sync/batches", json=batch).status_code == 422
    with app.app_context():
        assert db.session.scalars(select(LearningRecord)).all() == []
        assert db.session.scalars(select(LearnerProfile)).all() == []


def test_a_topic_request_is_stored_and_exports_as_xapi(app, client):
    phone = register(client)
    asked = make_record(1, verb=ASKED)
    asked["object"] = {"topic": "怎么用手机挂号", "category": "health"}
    asked.pop("result")
    packless = make_record(2)
    del packless["object"]["pack"]
    topic_and_pack = make_record(3, verb=ASKED)
    topic_and_pack["object"]["topic"] = "x"
    receipt = phone.send(client, [asked, packless, topic_and_pack]).get_json()
    assert receipt["accepted"] == [asked["id"]]
    assert sorted(r["id"] for r in receipt["rejected"]) == sorted(
        [packless["id"], topic_and_pack["id"]]
    )
    with app.app_context():
        record = db.session.get(LearningRecord, asked["id"])
        assert record.object["topic"] == "怎么用手机挂号"
        assert len(db.session.scalars(select(QuarantinedRecord)).all()) == 2
        made = statement(record, "https://county.example")
    assert made["object"]["definition"]["name"] == {"und": "怎么用手机挂号"}
    assert made["object"]["id"].endswith(f"/topic-requests/{asked['id']}")
    assert (
        "https://county.example/xapi/extensions/pack-version" not in made["context"]["extensions"]
    )
