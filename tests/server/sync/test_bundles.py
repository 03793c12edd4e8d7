"""Sync bundles: imported once whatever the path, with their chain of custody; forged,
broken or hostile files are refused as a whole and store nothing."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from xuedian.cli import main
from xuedian.core.timeutil import parse_iso, utcnow
from xuedian.extensions import db
from xuedian.org.models import Staff
from xuedian.sync.kiosks import KIOSK_HEADER, credential_for, kiosk_name
from xuedian.sync.models import Device, LearningRecord, SyncBatch, SyncBundle

from ..staffsession import signed_in
from .helpers import Phone, make_record, now_iso, register
from .test_hostile import assert_envelope, nothing_stored

BUNDLES = "/api/v1/sync/bundles"


def upload(client, data: bytes, **headers):
    return client.post(BUNDLES, data=data, headers=headers, content_type="application/octet-stream")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_bundle_registers_an_unknown_device_and_stores_its_records(app, client):
    phone = Phone()
    records = [make_record(s) for s in range(1, 6)]
    data = phone.bundle([records[:3], records[3:]], created="2026-11-20T08:00:00.000Z")
    response = upload(client, data)
    assert response.status_code == 200, response.json
    (result,) = response.json["bundles"]
    assert result["ok"] is True
    assert result["device_id"] == phone.device_id
    assert result["made_at"] == "2026-11-20T08:00:00.000Z"
    assert result["records"] == result["accepted"] == 5
    assert result["already_imported"] is False
    assert [len(r["accepted"]) for r in result["receipts"]] == [3, 2]
    assert result["receipts"][-1]["max_contiguous_seq"] == 5
    with app.app_context():
        custody = db.session.get(SyncBundle, result["bundle_id"])
        assert custody.device_id == phone.device_id
        assert custody.received_at <= custody.imported_at
        device = db.session.get(Device, phone.device_id)
        assert device.public_key == phone.public_key
        assert device.last_status["unsent"] == 2
    assert count(app, LearningRecord) == 5


def test_bundle_imported_twice_keeps_one_custody_row(app, client):
    phone = Phone()
    data = phone.bundle([[make_record(1), make_record(2)]])
    first = upload(client, data).json["bundles"][0]
    second = upload(client, data).json["bundles"][0]
    assert second["already_imported"] is True
    assert second["bundle_id"] == first["bundle_id"]
    assert second["imported_at"] == first["imported_at"]
    assert second["receipts"] == first["receipts"]
    assert count(app, SyncBundle) == 1
    assert count(app, LearningRecord) == 2


def test_record_arriving_by_bundle_and_online_is_stored_once(app, client):
    phone = Phone()
    records = [make_record(1), make_record(2)]
    assert upload(client, phone.bundle([records])).json["bundles"][0]["accepted"] == 2
    online = phone.send(client, records + [make_record(3)])
    assert online.status_code == 200
    assert sorted(online.json["duplicate"]) == sorted(r["id"] for r in records)
    assert online.json["max_contiguous_seq"] == 3
    # And the other way round: a bundle made before the phone went online comes in late.
    later = upload(client, phone.bundle([records + [make_record(4)]])).json["bundles"][0]
    assert (later["accepted"], later["duplicate"]) == (1, 2)
    assert count(app, LearningRecord) == 4


def kiosk(app) -> dict:
    """The headers of a kiosk forwarding with its credential."""
    with app.app_context():
        return {KIOSK_HEADER: credential_for("liucun-kiosk")}


def test_bundle_custody_keeps_the_relay_received_time(app, client):
    phone = Phone()
    response = upload(
        client,
        phone.bundle([[make_record(1)]]),
        **{"X-Xuedian-Received-At": "2026-11-21T09:30:00Z"},
        **kiosk(app),
    )
    result = response.json["bundles"][0]
    assert result["received_at"] == "2026-11-21T09:30:00.000Z"
    assert parse_iso(result["imported_at"]) <= utcnow()


def test_bundle_received_time_from_a_signed_in_volunteer_is_kept(app, client):
    with app.app_context():
        staff = Staff(username="v", password_hash="x", role="volunteer", created_at=utcnow())
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.id
    with client.session_transaction() as session:
        signed_in(session, staff_id)
    claim = {"X-Xuedian-Received-At": "2026-11-21T09:30:00Z"}
    answer = upload(client, Phone().bundle([[make_record(1)]]), **claim)
    assert answer.json["bundles"][0]["received_at"] == "2026-11-21T09:30:00.000Z"


def test_bundle_received_time_from_anyone_else_is_the_server_clock(app, client):
    before = utcnow()
    claim = {"X-Xuedian-Received-At": "2026-11-21T09:30:00Z"}
    forged = {KIOSK_HEADER: "liucun-kiosk.AAAAAAAAAAAAAAAAAAAAAA"}
    for headers in ({}, forged):
        answer = upload(client, Phone().bundle([[make_record(1)]]), **claim, **headers)
        assert answer.status_code == 200, answer.json
        assert parse_iso(answer.json["bundles"][0]["received_at"]) >= before
    with app.app_context():
        assert kiosk_name(forged[KIOSK_HEADER]) is None
        assert kiosk_name(credential_for("liucun-kiosk")) == "liucun-kiosk"


def test_bundle_received_time_in_bad_form_is_refused(app, client):
    response = upload(
        client, Phone().bundle([[make_record(1)]]), **{"X-Xuedian-Received-At": "yesterday"}
    )
    assert_envelope(response, 422, "validation-failed")
    assert nothing_stored(app)


def _tamper(data: bytes, change) -> bytes:
    document = json.loads(gzip.decompress(data))
    change(document)
    return gzip.compress(json.dumps(document).encode())


def test_bundle_with_one_changed_record_byte_is_refused_whole(app, client):
    phone = Phone()
    data = phone.bundle([[make_record(1)], [make_record(2)]])

    def change(document):
        document["batches"][1]["signed"]["records"][0]["device_seq"] = 3

    response = upload(client, _tamper(data, change))
    assert_envelope(response, 401, "device-signature-invalid")
    assert response.json["details"] == {"batch": 1}
    assert nothing_stored(app)
    assert count(app, Device) == 0


def test_bundle_signed_by_another_key_is_refused(app, client):
    phone, mallory = Phone(), Phone()
    data = phone.bundle([[make_record(1)]])

    def swap_batch(document):
        document["batches"][0] = mallory.sign(document["batches"][0]["signed"])

    assert_envelope(upload(client, _tamper(data, swap_batch)), 401, "device-signature-invalid")

    def swap_registration(document):
        document["registration"] = mallory.sign(document["registration"]["signed"])

    assert_envelope(
        upload(client, _tamper(data, swap_registration)), 401, "device-signature-invalid"
    )
    assert nothing_stored(app)
    assert count(app, Device) == 0


def test_bundle_batch_speaking_for_another_device_is_refused(app, client):
    phone, victim = Phone(), Phone()
    data = phone.bundle([[make_record(1)]])

    def claim(document):
        signed = {**document["batches"][0]["signed"], "device_id": victim.device_id}
        document["batches"][0] = phone.sign(signed)

    assert_envelope(upload(client, _tamper(data, claim)), 401, "device-signature-invalid")
    assert nothing_stored(app)


def test_bundle_of_revoked_device_is_refused(app, client):
    phone = register(client)
    with app.app_context():
        db.session.get(Device, phone.device_id).revoked_at = utcnow()
        db.session.commit()
    assert_envelope(upload(client, phone.bundle([[make_record(1)]])), 403, "device-revoked")
    assert nothing_stored(app)


def with_setting(app, **changes) -> None:
    settings = app.config["XUEDIAN"]
    app.config["XUEDIAN"] = settings.__class__(**{**settings.__dict__, **changes})


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [
        (lambda p: b"", 400, "bundle-invalid"),
        (lambda p: b"PK\x03\x04 a zip, not gzip", 400, "bundle-invalid"),
        (lambda p: gzip.compress(b"{not json"), 400, "bundle-invalid"),
        (lambda p: gzip.compress(b"\xff\xfe"), 400, "bundle-invalid"),
        (lambda p: gzip.compress(b"[" * 100_000 + b"]" * 100_000), 400, "bundle-invalid"),
        (lambda p: gzip.compress(b"[]"), 400, "bundle-invalid"),
        (lambda p: gzip.compress(json.dumps({"type": "xdsync"}).encode()), 400, "bundle-invalid"),
        (lambda p: p.bundle([[make_record(1)]], schema_version=2), 400, "bundle-invalid"),
        (
            lambda p: p.bundle([[make_record(1)]], device_id=Phone().device_id),
            400,
            "bundle-invalid",
        ),
        (lambda p: p.bundle([]), 400, "bundle-invalid"),
        (lambda p: p.bundle([[make_record(1)]] * 201), 400, "bundle-invalid"),
        (lambda p: p.bundle([[make_record(s) for s in range(1, 502)]]), 413, "batch-too-large"),
    ],
)
def test_bundle_malformed_files_are_refused(app, client, build, status, code):
    assert_envelope(upload(client, build(Phone())), status, code)
    assert nothing_stored(app)
    assert count(app, Device) == 0


def test_bundle_oversized_file_is_refused(app, client):
    data = Phone().bundle([[make_record(s) for s in range(1, 40)]])
    with_setting(app, max_body_bytes=len(data) - 1)
    assert_envelope(upload(client, data), 413, "bundle-too-large")
    assert nothing_stored(app)


def test_bundle_gzip_bomb_is_refused(app, client):
    bomb = gzip.compress(b'{"type": "xdsync", "pad": "' + b" " * (40 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100_000
    assert_envelope(upload(client, bomb), 413, "bundle-too-large")
    assert nothing_stored(app)


def test_bundle_sent_with_content_encoding_is_refused(app, client):
    data = gzip.compress(Phone().bundle([[make_record(1)]]))
    response = upload(client, data, **{"Content-Encoding": "gzip"})
    assert_envelope(response, 415, "body-encoding-unsupported")
    assert nothing_stored(app)


def test_many_bundles_upload_reports_each_file(app, client):
    one, two = Phone(), Phone()
    files = [
        (io.BytesIO(one.bundle([[make_record(1)]])), "one.xdsync"),
        (io.BytesIO(b"not a bundle"), "broken.xdsync"),
        (io.BytesIO(two.bundle([[make_record(1), make_record(2)]])), "two.xdsync"),
    ]
    response = client.post(
        BUNDLES,
        data={"bundles": files, "received_at": "2026-11-22T10:00:00+08:00"},
        content_type="multipart/form-data",
        headers=kiosk(app),
    )
    assert response.status_code == 200, response.json
    answers = response.json["bundles"]
    assert [a["name"] for a in answers] == ["one.xdsync", "broken.xdsync", "two.xdsync"]
    assert [a["ok"] for a in answers] == [True, False, True]
    assert answers[1]["code"] == "bundle-invalid"
    assert answers[1]["message"]
    assert answers[0]["received_at"] == "2026-11-22T02:00:00.000Z"
    assert [answers[0]["device_id"], answers[2]["device_id"]] == [one.device_id, two.device_id]
    assert count(app, LearningRecord) == 3
    assert count(app, SyncBundle) == 2


def test_many_bundles_upload_needs_files(app, client):
    response = client.post(BUNDLES, data={"other": "x"}, content_type="multipart/form-data")
    assert_envelope(response, 422, "validation-failed")


def test_many_bundles_upload_refuses_an_oversized_file_only(app, client):
    small = Phone().bundle([[make_record(1)]])
    big = Phone().bundle([[make_record(s) for s in range(1, 60)]])
    with_setting(app, max_body_bytes=len(small) + 10)
    files = [(io.BytesIO(big), "big.xdsync"), (io.BytesIO(small), "small.xdsync")]
    response = client.post(BUNDLES, data={"bundles": files}, content_type="multipart/form-data")
    answers = response.json["bundles"]
    assert [(a["ok"], a.get("code")) for a in answers] == [
        (False, "bundle-too-large"),
        (True, None),
    ]
    assert count(app, LearningRecord) == 1


def test_cli_import_bundle_uses_the_same_path(app, client, tmp_path):
    phone = Phone()
    records = [make_record(1), make_record(2)]
    good = tmp_path / "phone.xdsync"
    good.write_bytes(phone.bundle([records]))
    bad = tmp_path / "bad.xdsync"
    bad.write_bytes(b"nonsense")
    with app.app_context():
        result = CliRunner().invoke(
            main, ["sync", "import-bundle", str(good), "--received-at", "2026-11-23T08:00:00Z"]
        )
        assert result.exit_code == 0, result.output
        assert "imported" in result.output and "2 accepted" in result.output
        again = CliRunner().invoke(main, ["sync", "import-bundle", str(good), str(bad)])
    assert again.exit_code == 1
    assert "already imported" in again.output
    assert "bad.xdsync\trefused\tbundle-invalid" in again.output
    assert count(app, SyncBundle) == 1
    assert count(app, LearningRecord) == 2
    with app.app_context():
        custody = db.session.scalar(select(SyncBundle))
        assert custody.received_at == parse_iso("2026-11-23T08:00:00Z")
    # The same records, sent online afterwards, are duplicates.
    assert sorted(phone.send(client, records).json["duplicate"]) == sorted(r["id"] for r in records)
    assert count(app, SyncBatch) == 2


def test_bundle_made_time_is_the_phone_clock(app, client):
    phone = Phone()
    made = now_iso()
    result = upload(client, phone.bundle([[make_record(1)]], created=made)).json["bundles"][0]
    assert result["made_at"] == made


def test_many_bundles_upload_over_the_request_cap_is_refused(app, client):
    with_setting(app, max_upload_bytes=500)
    data = Phone().bundle([[make_record(s) for s in range(1, 30)]])
    assert len(data) > 500
    files = [(io.BytesIO(data), "a.xdsync")]
    response = client.post(BUNDLES, data={"bundles": files}, content_type="multipart/form-data")
    assert_envelope(response, 413, "body-too-large")
    assert nothing_stored(app)
