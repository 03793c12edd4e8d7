"""No record can block a queue: text both databases can store, numbers with caps and times
with a range, each refused for its own record (or with its own envelope), never a 500."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.sync.models import LearningRecord, QuarantinedRecord

from .helpers import STATUS, Phone, make_record, register
from .test_hostile import assert_envelope

BAD_TIMES = [
    "9999-12-31T23:59:59.999Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1999-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
]


def topic(seq: int, text: str) -> dict:
    record = make_record(seq, verb="http://adlnet.gov/expapi/verbs/asked")
    record["object"] = {"topic": text}
    record.pop("result")
    return record


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r["object"].update(lesson="a\x00b"),
        lambda r: r["object"].update(pack="xuedian-welcome\x00"),
        lambda r: r["result"].update(response="\ud800"),
        lambda r: r["object"].update(item="\udfff lone"),
    ],
)
def test_record_with_unstorable_text_is_refused_alone(app, client, spoil):
    phone = register(client)
    good, bad, after = make_record(1), make_record(2), make_record(3)
    spoil(bad)
    response = phone.send(client, [good, bad, after])
    assert response.status_code == 200, response.json
    assert response.json["accepted"] == [good["id"], after["id"]]
    assert [(r["id"], r["code"]) for r in response.json["rejected"]] == [
        (bad["id"], "text-not-storable")
    ]
    assert count(app, LearningRecord) == 2
    with app.app_context():
        (kept,) = db.session.scalars(select(QuarantinedRecord)).all()
        assert kept.code == "text-not-storable"
        assert "\x00" not in kept.excerpt


def test_topic_request_with_nul_is_refused_alone_and_retries_alike(app, client):
    phone = register(client)
    records = [topic(1, "剪纸\x00"), topic(2, "太极拳")]
    batch = phone.batch(records)
    for _ in range(2):
        response = client.post("/api/v1/sync/batches", json=batch)
        assert response.status_code == 200, response.json
        assert response.json["accepted"] == [records[1]["id"]]
        assert response.json["rejected"][0]["code"] == "text-not-storable"
    assert response.json["max_contiguous_seq"] == 0


@pytest.mark.parametrize("when", BAD_TIMES)
def test_record_dated_out_of_range_is_refused_alone(app, client, when):
    phone = register(client)
    good, bad = make_record(1), {**make_record(2), "timestamp": when}
    response = phone.send(client, [good, bad])
    assert response.status_code == 200, response.json
    assert response.json["accepted"] == [good["id"]]
    assert response.json["rejected"][0]["code"] == "time-out-of-range"


def test_record_a_year_off_is_still_accepted(app, client):
    phone = register(client)
    records = [make_record(1, shift_days=400), make_record(2, shift_days=-400)]
    response = phone.send(client, records)
    assert response.json["accepted"] == [r["id"] for r in records]


@pytest.mark.parametrize("when", BAD_TIMES)
def test_batch_created_out_of_range_gets_its_envelope(app, client, when):
    phone = register(client)
    envelope = phone.batch([make_record(1)], created=when)
    response = client.post("/api/v1/sync/batches", json=envelope)
    assert_envelope(response, 422, "time-out-of-range")


@pytest.mark.parametrize(
    "status",
    [
        {**STATUS, "app_version": "1.0\x00"},
        {**STATUS, "profiles": [{"learner": make_record(1)["learner"], "village": "上\x00村"}]},
        {**STATUS, "packs": {"pack\x00": 1}},
    ],
)
def test_heartbeat_with_unstorable_text_gets_its_envelope(app, client, status):
    phone = register(client)
    envelope = phone.batch([make_record(1)], status=status)
    response = client.post("/api/v1/sync/batches", json=envelope)
    assert_envelope(response, 422, "text-not-storable")
    assert count(app, LearningRecord) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", 2**64),
        ("version", 2**31),
    ],
)
def test_record_numbers_beyond_a_database_integer_are_refused_alone(app, client, field, value):
    phone = register(client)
    good, bad = make_record(1), make_record(2)
    bad["object"][field] = value
    response = phone.send(client, [good, bad])
    assert response.status_code == 200, response.json
    assert response.json["accepted"] == [good["id"]]
    assert response.json["rejected"][0]["code"] == "record-invalid"


@pytest.mark.parametrize("field", ["unsent", "quarantined", "storage_free"])
def test_heartbeat_numbers_beyond_their_caps_get_an_envelope(app, client, field):
    phone = register(client)
    status = {**STATUS, field: 2**70}
    envelope = phone.batch([make_record(1)], status=status)
    response = client.post("/api/v1/sync/batches", json=envelope)
    assert_envelope(response, 422, "validation-failed")


def test_registration_with_unstorable_app_version_gets_its_envelope(app, client):
    phone = Phone()
    response = client.post("/api/v1/devices", json=phone.registration(app_version="1\x00"))
    assert_envelope(response, 422, "text-not-storable")


@pytest.mark.parametrize("when", BAD_TIMES)
def test_registration_created_out_of_range_gets_its_envelope(app, client, when):
    phone = Phone()
    response = client.post("/api/v1/devices", json=phone.registration(created=when))
    assert_envelope(response, 422, "time-out-of-range")


def test_push_endpoint_with_nul_gets_its_envelope(app, client):
    phone = register(client)
    signed = {
        "type": "push-subscription",
        "device_id": phone.device_id,
        "created": make_record(1)["timestamp"],
        "subscription": {
            "endpoint": "https://push.example.org/\x00x",
            "keys": {"p256dh": "B" * 87, "auth": "A" * 22},
        },
    }
    response = client.post("/api/v1/push/subscriptions", json=phone.sign(signed))
    assert_envelope(response, 422, "text-not-storable")


def test_unknown_field_name_is_not_echoed_whole(app, client):
    phone = register(client)
    envelope = phone.batch([make_record(1)], **{"x" * 100_000: 1})
    response = client.post("/api/v1/sync/batches", json=envelope)
    assert_envelope(response, 422, "unknown-field")
    assert len(json.dumps(response.json)) < 2000
