"""Broken or hostile requests get the error envelope and change nothing."""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord, QuarantinedRecord, SyncBatch

from .helpers import make_record, register


def assert_envelope(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"ok", "code", "message", "details"}
    assert body["ok"] is False
    assert body["code"] == code
    assert body["message"]


def nothing_stored(app) -> bool:
    with app.app_context():
        return all(
            db.session.scalar(select(func.count()).select_from(m)) == 0
            for m in (LearningRecord, QuarantinedRecord, SyncBatch)
        )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "body-not-json"),
        (b"\xff\xfe", "body-not-json"),
        (b"[]", "validation-failed"),
        (json.dumps({"records": []}).encode(), "validation-failed"),
        (json.dumps({"batch_id": "x", "records": [{}]}).encode(), "validation-failed"),
        (
            json.dumps({"batch_id": str(uuid.uuid4()), "records": [], "extra": 1}).encode(),
            "unknown-field",
        ),
    ],
)
def test_batch_malformed_bodies_get_envelope(app, client, body, code):
    auth = register(client)
    response = client.post(
        "/api/v1/sync/batches", data=body, headers={**auth, "Content-Type": "application/json"}
    )
    status = 400 if code == "body-not-json" else 422
    assert_envelope(response, status, code)
    assert nothing_stored(app)


def test_batch_oversized_body_is_refused(app, client):
    auth = register(client)
    app.config["XUEDIAN"] = app.config["XUEDIAN"].__class__(
        **{**app.config["XUEDIAN"].__dict__, "max_body_bytes": 1000}
    )
    big = json.dumps(
        {"batch_id": str(uuid.uuid4()), "records": [make_record(s) for s in range(1, 20)]}
    ).encode()
    response = client.post(
        "/api/v1/sync/batches", data=big, headers=auth, content_type="application/json"
    )
    assert_envelope(response, 413, "body-too-large")
    assert nothing_stored(app)


def test_batch_gzip_bomb_is_refused(app, client):
    auth = register(client)
    bomb = gzip.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]")
    assert len(bomb) < 200_000
    response = client.post(
        "/api/v1/sync/batches",
        data=bomb,
        headers={**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert_envelope(response, 413, "body-too-large")
    assert nothing_stored(app)


def test_batch_broken_gzip_is_refused(app, client):
    auth = register(client)
    response = client.post(
        "/api/v1/sync/batches",
        data=b"\x1f\x8bnot gzip",
        headers={**auth, "Content-Encoding": "gzip"},
    )
    assert_envelope(response, 400, "body-gzip-invalid")
    assert nothing_stored(app)


def test_batch_with_more_than_500_records_is_refused(app, client):
    auth = register(client)
    batch = {"batch_id": str(uuid.uuid4()), "records": [make_record(s) for s in range(1, 502)]}
    response = client.post("/api/v1/sync/batches", json=batch, headers=auth)
    assert_envelope(response, 413, "batch-too-large")
    assert nothing_stored(app)


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        (None, 401, "unauthorized"),
        ("Bearer abc", 401, "unauthorized"),
        (f"Device {uuid.uuid4()}:nope", 401, "device-unknown"),
    ],
)
def test_batch_without_valid_credentials_is_refused(app, client, header, status, code):
    headers = {"Authorization": header} if header else {}
    batch = {"batch_id": str(uuid.uuid4()), "records": [make_record(1)]}
    response = client.post("/api/v1/sync/batches", json=batch, headers=headers)
    assert_envelope(response, status, code)
    assert nothing_stored(app)


def test_batch_with_wrong_token_or_revoked_device_is_refused(app, client):
    auth = register(client)
    device_id = auth["Authorization"].split()[1].split(":")[0]
    batch = {"batch_id": str(uuid.uuid4()), "records": [make_record(1)]}
    wrong = {"Authorization": f"Device {device_id}:forged"}
    assert_envelope(
        client.post("/api/v1/sync/batches", json=batch, headers=wrong), 401, "device-token-invalid"
    )
    with app.app_context():
        from xuedian.core.timeutil import utcnow

        db.session.get(Device, device_id).revoked_at = utcnow()
        db.session.commit()
    assert_envelope(
        client.post("/api/v1/sync/batches", json=batch, headers=auth), 403, "device-revoked"
    )
    assert nothing_stored(app)


def test_unknown_api_path_and_method_get_envelope(client):
    assert_envelope(client.get("/api/v1/nothing-here"), 404, "not-found")
    assert_envelope(client.get("/api/v1/sync/batches"), 405, "method-not-allowed")


def test_device_registration_rejects_unknown_fields(app, client):
    response = client.post("/api/v1/devices", json={"app_version": "1", "admin": True})
    assert_envelope(response, 422, "unknown-field")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Device)) == 0
