"""The heartbeat enrols a phone at a learning point and reports its profiles; topic
requests travel as `asked` records."""

from __future__ import annotations

import gzip
import json
import uuid

from sqlalchemy import select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.learners.models import LearnerProfile
from xuedian.org.enrolment import make_token
from xuedian.org.models import Area, LearningPoint
from xuedian.sync.models import Device, LearningRecord, QuarantinedRecord
from xuedian.sync.xapi import statement

from .helpers import LEARNER, STATUS, Phone, make_record, now_iso, register

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


def changes_request(phone) -> dict:
    return {"type": "changes-request", "device_id": phone.device_id, "created": now_iso()}


def send_status(client, phone, seq: int, **status):
    batch = phone.batch([make_record(seq)], status={**STATUS, **status})
    response = client.post("/api/v1/sync/batches", json=batch)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def token(app, code: str) -> str:
    with app.app_context():
        return make_token(code)


def point_of(app, phone) -> int | None:
    with app.app_context():
        point_id = db.session.get(Device, phone.device_id).learning_point_id
        db.session.remove()
        return point_id


def test_a_point_code_alone_enrols_nobody_only_its_token_does(app, client):
    point_id, other_id = add_point(app, "dz-01"), add_point(app, "dz-02")
    phone = register(client)
    send_status(client, phone, 1, point="dz-01")
    assert point_of(app, phone) is None  # anyone can read a public code off a poster
    forged = token(app, "dz-01")[:-4] + "AAAA"
    send_status(client, phone, 2, point="dz-01", enrolment=forged)
    send_status(client, phone, 3, point="dz-01", enrolment=token(app, "dz-02"))
    assert point_of(app, phone) is None
    send_status(client, phone, 4, point="dz-01", enrolment=token(app, "dz-01"))
    assert point_of(app, phone) == point_id
    send_status(client, phone, 5, point="no-such-point", enrolment=token(app, "no-such-point"))
    send_status(client, phone, 6, point="dz-02")
    assert point_of(app, phone) == point_id
    send_status(client, phone, 7, point="dz-02", enrolment=token(app, "dz-02"))
    assert point_of(app, phone) == other_id
    with app.app_context():
        assert db.session.get(Device, phone.device_id).last_status["point"] == "dz-02"


def test_registration_with_a_token_enrols_at_once_and_names_the_point(app, client):
    point_id = add_point(app, "dz-01")
    add_point(app, "dz-02")
    phone = Phone()
    enrol = {"point": "dz-01", "enrolment": token(app, "dz-01")}
    answer = client.post("/api/v1/devices", json=phone.registration(**enrol))
    assert answer.status_code == 201, answer.json
    assert answer.json["point"] == {"code": "dz-01", "name": "东庄学习点", "name_en": "东庄学习点"}
    assert point_of(app, phone) == point_id
    feed = client.post("/api/v1/sync/changes", json=phone.sign(changes_request(phone)))
    assert feed.json["point"]["code"] == "dz-01"
    # Scanning another point's poster moves the phone; a bad token leaves it and says where.
    moved = {"point": "dz-02", "enrolment": token(app, "dz-02")}
    assert (
        client.post("/api/v1/devices", json=phone.registration(**moved)).json["point"]["code"]
        == "dz-02"
    )
    bad = {"point": "dz-01", "enrolment": token(app, "dz-02")}
    answer = client.post("/api/v1/devices", json=phone.registration(**bad))
    assert answer.status_code == 200 and answer.json["point"]["code"] == "dz-02"
    plain = Phone()
    answer = client.post("/api/v1/devices", json=plain.registration(point="dz-01"))
    assert answer.status_code == 201 and answer.json["point"] is None
    assert point_of(app, plain) is None


def test_an_older_bundle_does_not_undo_a_newer_enrolment(app, client):
    add_point(app, "dz-01")
    newer = add_point(app, "dz-02")
    phone = Phone()
    status = {**STATUS, "point": "dz-01", "enrolment": token(app, "dz-01")}
    made = now_iso()  # the file is made at dz-01; then the resident scans dz-02's poster
    bundle = phone.bundle([[make_record(1)]], created=made)
    document = json.loads(gzip.decompress(bundle))
    document["batches"] = [phone.batch([make_record(1)], status=status, created=made)]
    moved = {"point": "dz-02", "enrolment": token(app, "dz-02")}
    assert client.post("/api/v1/devices", json=phone.registration(**moved)).status_code == 201
    data = gzip.compress(json.dumps(document).encode())
    answer = client.post("/api/v1/sync/bundles", data=data, content_type="application/octet-stream")
    assert answer.status_code == 200 and answer.json["bundles"][0]["ok"], answer.json
    assert point_of(app, phone) == newer


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
