"""Devices register with proof of their key, keep their id, report a heartbeat, can be revoked."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace

from click.testing import CliRunner
from sqlalchemy import func, select

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord

from .helpers import STATUS, Phone, make_record, register
from .test_hostile import assert_envelope, nothing_stored

DEVICES = "/api/v1/devices"


def device_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Device))


def test_registration_new_then_known_keeps_the_id(app, client):
    phone = Phone()
    first = client.post(DEVICES, json=phone.registration(app_version="0.1.0"))
    assert first.status_code == 201
    assert first.json == {"ok": True, "device_id": phone.device_id, "point": None}
    again = client.post(DEVICES, json=phone.registration(app_version="0.2.0"))
    assert again.status_code == 200
    assert again.json == {"ok": True, "device_id": phone.device_id, "point": None}
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        assert device.public_key == phone.public_key
        assert device.app_version == "0.2.0"
    assert device_count(app) == 1


def test_registration_signed_by_another_key_is_refused(app, client):
    phone, other = Phone(), Phone()
    forged = other.sign(phone.registration()["signed"])
    assert_envelope(client.post(DEVICES, json=forged), 401, "device-signature-invalid")
    assert device_count(app) == 0


def test_registration_with_an_id_not_derived_from_the_key_is_refused(app, client):
    phone = Phone()
    envelope = phone.registration(device_id=Phone().device_id)
    assert_envelope(client.post(DEVICES, json=envelope), 401, "device-signature-invalid")
    assert device_count(app) == 0


def test_registration_rejects_unknown_fields_and_bad_shapes(app, client):
    phone = Phone()
    response = client.post(DEVICES, json=phone.registration(admin=True))
    assert_envelope(response, 422, "unknown-field")
    response = client.post(DEVICES, json=phone.registration(public_key="short"))
    assert_envelope(response, 422, "validation-failed")
    # The token-era body: not an envelope at all.
    assert_envelope(client.post(DEVICES, json={"app_version": "1"}), 422, "unknown-field")
    assert_envelope(client.post(DEVICES, json={}), 422, "validation-failed")
    assert_envelope(client.post(DEVICES, json=phone.batch([])), 401, "device-signature-invalid")
    assert device_count(app) == 0


def test_device_registering_again_continues_its_sequence(app, client):
    phone = register(client)
    assert phone.send(client, [make_record(1), make_record(2)]).json["max_contiguous_seq"] == 2
    phone.register(client, status=200)
    assert phone.send(client, [make_record(3)]).json["max_contiguous_seq"] == 3


def test_batch_status_is_kept_as_the_heartbeat(app, client):
    phone = register(client)
    status = {**STATUS, "unsent": 7, "quarantined": 1, "app_version": "0.3.0"}
    envelope = phone.sign({**phone.batch([make_record(1)])["signed"], "status": status})
    assert client.post("/api/v1/sync/batches", json=envelope).status_code == 200
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        assert {k: device.last_status[k] for k in status} == status
        assert device.last_status["created"] == envelope["signed"]["created"]
        assert device.last_status_at is not None
        assert device.last_seen_at is not None
        assert device.app_version == "0.3.0"


def test_online_heartbeat_wins_even_from_a_clock_that_went_back(app, client):
    phone = register(client)
    ahead = phone.sign(
        {**phone.batch([make_record(1)])["signed"], "created": "2030-01-01T00:00:00.000Z"}
    )
    assert client.post("/api/v1/sync/batches", json=ahead).status_code == 200
    signed = {**phone.batch([make_record(2)])["signed"], "status": {**STATUS, "unsent": 5}}
    assert client.post("/api/v1/sync/batches", json=phone.sign(signed)).status_code == 200
    with app.app_context():
        assert db.session.get(Device, phone.device_id).last_status["unsent"] == 5


def test_bundle_heartbeat_older_than_the_stored_one_is_not_kept(app, client):
    phone = register(client)
    assert phone.send(client, [make_record(1)]).status_code == 200
    old = phone.bundle([[make_record(2)]], created="2020-01-01T00:00:00.000Z")
    document = json.loads(gzip.decompress(old))
    signed = {
        **document["batches"][0]["signed"],
        "created": "2020-01-01T00:00:00.000Z",
        "status": {**STATUS, "unsent": 42},
    }
    document["batches"][0] = phone.sign(signed)
    response = client.post(
        "/api/v1/sync/bundles",
        data=gzip.compress(json.dumps(document).encode()),
        content_type="application/octet-stream",
    )
    assert response.json["bundles"][0]["accepted"] == 1
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        assert device.last_status["unsent"] == 1
        # Made long ago: the bundle does not move "last seen" back either.
        assert device.last_seen_at.year >= 2026


def test_revoked_device_cannot_register_again_or_send(app, client):
    phone = register(client)
    with app.app_context():
        result = CliRunner().invoke(main, ["devices", "revoke", phone.device_id[:8]])
    assert result.exit_code == 0, result.output
    assert phone.device_id in result.output
    assert_envelope(client.post(DEVICES, json=phone.registration()), 403, "device-revoked")
    assert_envelope(phone.send(client, [make_record(1)]), 403, "device-revoked")
    assert nothing_stored(app)


def test_cli_devices_list_shows_heartbeat_and_revocation(app, client):
    quiet, busy = register(client), register(client)
    signed = {**busy.batch([make_record(1)])["signed"], "status": {**STATUS, "unsent": 12}}
    assert client.post("/api/v1/sync/batches", json=busy.sign(signed)).status_code == 200
    with app.app_context():
        assert CliRunner().invoke(main, ["devices", "revoke", quiet.device_id]).exit_code == 0
        result = CliRunner().invoke(main, ["devices", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()[1:]}
    assert lines[busy.device_id][3:] == ["test", "12", "-"]
    assert lines[quiet.device_id][4] == "-"
    assert lines[quiet.device_id][5] != "-"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 1


def test_cli_devices_revoke_unknown_id_fails(app):
    with app.app_context():
        result = CliRunner().invoke(main, ["devices", "revoke", "0123456789abcdef"])
    assert result.exit_code != 0
    assert "No single device" in result.output


def test_registration_is_rate_limited_per_address(app, client):
    app.config["XUEDIAN"] = replace(app.config["XUEDIAN"], rate_limit_register="3/minute")
    for _ in range(3):
        Phone().register(client)
    refused = client.post(DEVICES, json=Phone().registration())
    assert_envelope(refused, 429, "rate-limited")
    assert int(refused.headers["Retry-After"]) >= 1
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    answer = client.post(DEVICES, json=Phone().registration(), environ_base=elsewhere)
    assert answer.status_code == 201
    assert device_count(app) == 4
