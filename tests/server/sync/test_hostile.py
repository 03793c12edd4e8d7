"""Broken, forged or hostile batches get the error envelope and change nothing."""

from __future__ import annotations

import copy
import gzip
import json

import pytest
from sqlalchemy import func, select

from xuedian.core.timeutil import utcnow
from xuedian.extensions import db
from xuedian.sync.models import (
    Device,
    LearningRecord,
    QuarantinedRecord,
    RecordConflict,
    SyncBatch,
    SyncBundle,
)

from .helpers import Phone, make_record, register

BATCHES = "/api/v1/sync/batches"


def assert_envelope(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == {"ok", "code", "message", "details"}
    assert body["ok"] is False
    assert body["code"] == code
    assert body["message"]


def nothing_stored(app) -> bool:
    with app.app_context():
        return all(
            db.session.scalar(select(func.count()).select_from(m)) == 0
            for m in (LearningRecord, QuarantinedRecord, RecordConflict, SyncBatch, SyncBundle)
        )


def _signed_with(phone: Phone, **changes) -> bytes:
    envelope = phone.batch([make_record(1)])
    return json.dumps(phone.sign({**envelope["signed"], **changes})).encode()


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [
        (lambda p: b"{not json", 400, "body-not-json"),
        (lambda p: b"\xff\xfe", 400, "body-not-json"),
        (lambda p: b"[" * 100_000 + b"]" * 100_000, 400, "body-not-json"),
        (lambda p: b"[]", 422, "validation-failed"),
        (lambda p: json.dumps({"records": []}).encode(), 422, "unknown-field"),
        (lambda p: json.dumps({"signed": {}, "signature": "x"}).encode(), 422, "validation-failed"),
        (
            lambda p: json.dumps({**p.batch([make_record(1)]), "extra": 1}).encode(),
            422,
            "unknown-field",
        ),
        (lambda p: _signed_with(p, batch_id="x"), 422, "validation-failed"),
        (lambda p: _signed_with(p, records=[]), 422, "validation-failed"),
        (lambda p: _signed_with(p, extra=1), 422, "unknown-field"),
        (lambda p: _signed_with(p, status={"unsent": 1}), 422, "validation-failed"),
    ],
)
def test_batch_malformed_bodies_get_envelope(app, client, build, status, code):
    phone = register(client)
    response = client.post(BATCHES, data=build(phone), content_type="application/json")
    assert_envelope(response, status, code)
    assert nothing_stored(app)


def with_max_body(app, limit: int) -> None:
    settings = app.config["XUEDIAN"]
    app.config["XUEDIAN"] = settings.__class__(**{**settings.__dict__, "max_body_bytes": limit})


def test_batch_oversized_body_is_refused(app, client):
    phone = register(client)
    with_max_body(app, 1000)
    response = phone.send(client, [make_record(s) for s in range(1, 20)])
    assert_envelope(response, 413, "body-too-large")
    assert nothing_stored(app)


def test_batch_gzip_bomb_is_refused(app, client):
    register(client)
    bomb = gzip.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]")
    assert len(bomb) < 200_000
    response = client.post(
        BATCHES,
        data=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert_envelope(response, 413, "body-too-large")
    assert nothing_stored(app)


def test_batch_broken_gzip_is_refused(app, client):
    register(client)
    response = client.post(BATCHES, data=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"})
    assert_envelope(response, 400, "body-gzip-invalid")
    assert nothing_stored(app)


def test_batch_with_more_than_500_records_is_refused(app, client):
    phone = register(client)
    response = phone.send(client, [make_record(s) for s in range(1, 502)])
    assert_envelope(response, 413, "batch-too-large")
    assert nothing_stored(app)


def test_batch_from_unregistered_device_is_refused(app, client):
    response = Phone().send(client, [make_record(1)])
    assert_envelope(response, 401, "device-unknown")
    assert nothing_stored(app)


def test_batch_tampered_after_signing_is_refused(app, client):
    phone = register(client)
    envelope = phone.batch([make_record(1), make_record(2)])
    forged = copy.deepcopy(envelope)
    forged["signed"]["records"][1]["result"]["success"] = False
    assert_envelope(client.post(BATCHES, json=forged), 401, "device-signature-invalid")
    forged = copy.deepcopy(envelope)
    forged["signed"]["status"]["unsent"] = 99
    assert_envelope(client.post(BATCHES, json=forged), 401, "device-signature-invalid")
    assert nothing_stored(app)


def test_batch_signed_by_one_device_for_another_is_refused(app, client):
    victim = register(client)
    mallory = register(client)
    # Mallory's valid signature over a batch that claims to be the victim's.
    forged = mallory.sign({**victim.batch([make_record(1)])["signed"]})
    assert forged["signed"]["device_id"] == victim.device_id
    assert_envelope(client.post(BATCHES, json=forged), 401, "device-signature-invalid")
    assert nothing_stored(app)


@pytest.mark.parametrize("signature", ["", "not base64!", "AAAA", "A" * 86])
def test_batch_with_unreadable_signature_is_refused(app, client, signature):
    phone = register(client)
    envelope = {**phone.batch([make_record(1)]), "signature": signature}
    response = client.post(BATCHES, json=envelope)
    status, code = (
        (422, "validation-failed") if not signature else (401, "device-signature-invalid")
    )
    assert_envelope(response, status, code)
    assert nothing_stored(app)


def test_registration_envelope_is_not_a_batch(app, client):
    phone = register(client)
    response = client.post(BATCHES, json=phone.registration())
    assert_envelope(response, 401, "device-signature-invalid")
    assert nothing_stored(app)


def test_batch_from_revoked_device_is_refused(app, client):
    phone = register(client)
    with app.app_context():
        db.session.get(Device, phone.device_id).revoked_at = utcnow()
        db.session.commit()
    assert_envelope(phone.send(client, [make_record(1)]), 403, "device-revoked")
    assert nothing_stored(app)


def test_unknown_api_path_and_method_get_envelope(client):
    assert_envelope(client.get("/api/v1/nothing-here"), 404, "not-found")
    assert_envelope(client.get(BATCHES), 405, "method-not-allowed")
