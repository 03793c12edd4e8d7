"""Ingest stores each record once, answers retries with the same receipt, keeps bad input."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.sync.models import LearningRecord, QuarantinedRecord, RecordConflict

from .helpers import make_record, register, uuid7


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_ingest_stores_each_record_once(app, client):
    phone = register(client)
    records = [make_record(seq) for seq in (1, 2, 3)]
    first = phone.send(client, records)
    assert first.status_code == 200
    assert first.json["accepted"] == [r["id"] for r in records]
    assert first.json["max_contiguous_seq"] == 3
    again = phone.send(client, records)
    assert again.json["accepted"] == []
    assert sorted(again.json["duplicate"]) == sorted(r["id"] for r in records)
    with app.app_context():
        assert count(LearningRecord) == 3


def test_ingest_retry_of_same_batch_gets_same_receipt(app, client):
    phone = register(client)
    batch = phone.batch([make_record(1), make_record(2)])
    first = client.post("/api/v1/sync/batches", json=batch)
    second = client.post("/api/v1/sync/batches", json=batch)
    assert second.status_code == 200
    assert second.json == first.json
    with app.app_context():
        assert count(LearningRecord) == 2


def test_ingest_batch_id_reused_with_other_records_is_refused(app, client):
    phone = register(client)
    batch_id = str(uuid.uuid4())
    phone.send(client, [make_record(1)], batch_id)
    response = phone.send(client, [make_record(2)], batch_id)
    assert response.status_code == 409
    assert response.json["code"] == "batch-id-reused"
    with app.app_context():
        assert count(LearningRecord) == 1


def test_ingest_same_id_with_other_content_goes_to_conflicts(app, client):
    phone = register(client)
    record = make_record(1)
    phone.send(client, [record])
    changed = {**record, "result": {"score": 0.5}}
    response = phone.send(client, [changed])
    assert response.json["rejected"] == [
        {
            "id": record["id"],
            "code": "record-conflict",
            "message": "A different record with this id is already stored.",
        }
    ]
    with app.app_context():
        assert count(LearningRecord) == 1
        assert count(RecordConflict) == 1


def test_ingest_invalid_record_is_quarantined_not_dropped(app, client):
    phone = register(client)
    good = make_record(1)
    bad = {**make_record(2), "verb": "http://example.org/verbs/liked"}
    response = phone.send(client, [good, bad, 7])
    assert response.json["accepted"] == [good["id"]]
    codes = [(r["id"], r["code"]) for r in response.json["rejected"]]
    assert codes == [(bad["id"], "record-invalid"), (None, "record-invalid")]
    with app.app_context():
        assert count(LearningRecord) == 1
        stored = db.session.scalars(select(QuarantinedRecord).order_by(QuarantinedRecord.id)).all()
        assert [q.record_id for q in stored] == [bad["id"], None]
        assert "verb" in stored[0].reason


def test_ingest_repeated_id_inside_one_batch_is_stored_once(app, client):
    phone = register(client)
    record = make_record(1)
    response = phone.send(client, [record, record])
    assert response.json["accepted"] == [record["id"]]
    assert response.json["duplicate"] == [record["id"]]
    with app.app_context():
        assert count(LearningRecord) == 1


def test_ingest_contiguous_seq_stops_at_a_gap(client):
    phone = register(client)
    response = phone.send(client, [make_record(s) for s in (1, 2, 4)])
    assert response.json["max_contiguous_seq"] == 2
    response = phone.send(client, [make_record(3)])
    assert response.json["max_contiguous_seq"] == 4


def test_ingest_accepts_gzip_bodies(app, client):
    phone = register(client)
    body = gzip.compress(json.dumps(phone.batch([make_record(1)])).encode())
    response = client.post(
        "/api/v1/sync/batches",
        data=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert len(response.json["accepted"]) == 1


def test_ingest_voiding_record_must_name_its_target(client):
    phone = register(client)
    void = make_record(1, verb="http://adlnet.gov/expapi/verbs/voided")
    response = phone.send(client, [void])
    assert response.json["rejected"][0]["code"] == "record-invalid"
    void["object"]["record"] = uuid7()
    response = phone.send(client, [void])
    assert response.json["accepted"] == [void["id"]]


@pytest.mark.parametrize("shift_days", [-366, 366])
def test_ingest_keeps_records_from_a_wrong_clock(client, shift_days):
    phone = register(client)
    record = make_record(1, shift_days=shift_days)
    response = phone.send(client, [record])
    assert response.json["accepted"] == [record["id"]]
