"""Every uploaded file gets its own result, a badly dated bundle is refused cleanly, and a
bundle is known by its signed content, not by its file's bytes."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from sqlalchemy import func, select

from xuedian.extensions import db
from xuedian.sync import bundles as bundle_module
from xuedian.sync.models import LearningRecord, SyncBundle

from .helpers import Phone, make_record
from .test_hostile import assert_envelope, nothing_stored

BUNDLES = "/api/v1/sync/bundles"
BAD_TIMES = [
    "9999-12-31T23:59:59.999Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
]


def upload(client, data: bytes, **headers):
    return client.post(BUNDLES, data=data, headers=headers, content_type="application/octet-stream")


def upload_many(client, files: list[tuple[bytes, str]]):
    data = {"bundles": [(io.BytesIO(body), name) for body, name in files]}
    return client.post(BUNDLES, data=data, content_type="multipart/form-data")


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def regzip(data: bytes, level: int = 1) -> bytes:
    return gzip.compress(gzip.decompress(data), compresslevel=level, mtime=12345)


@pytest.mark.parametrize("when", BAD_TIMES)
def test_a_badly_dated_record_in_a_bundle_is_refused_alone(app, client, when):
    phone = Phone()
    records = [make_record(1), {**make_record(2), "timestamp": when}]
    response = upload(client, phone.bundle([records]))
    assert response.status_code == 200, response.json
    (result,) = response.json["bundles"]
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert result["receipts"][0]["rejected"][0]["code"] == "time-out-of-range"


@pytest.mark.parametrize("when", BAD_TIMES)
def test_a_badly_dated_bundle_loses_no_other_file(app, client, when):
    good, bad = Phone(), Phone()
    response = upload_many(
        client,
        [
            (bad.bundle([[make_record(1)]], created=when), "bad.xdsync"),
            (good.bundle([[make_record(1)]]), "good.xdsync"),
        ],
    )
    assert response.status_code == 200, response.json
    answers = response.json["bundles"]
    assert [(a["ok"], a.get("code")) for a in answers] == [
        (False, "bundle-invalid"),
        (True, None),
    ]
    assert count(app, LearningRecord) == 1


@pytest.mark.parametrize("when", BAD_TIMES)
def test_received_at_header_out_of_range_gets_a_clean_envelope(app, client, when):
    data = Phone().bundle([[make_record(1)]])
    response = upload(client, data, **{"X-Xuedian-Received-At": when})
    assert_envelope(response, 422, "time-out-of-range")
    assert nothing_stored(app)


def test_a_server_fault_in_one_file_loses_no_other_file(app, client, monkeypatch):
    real = bundle_module._import_once

    def faulty(verified, name, *args):
        if name == "faulty.xdsync":
            raise RuntimeError("a fault of the server")
        return real(verified, name, *args)

    monkeypatch.setattr(bundle_module, "_import_once", faulty)
    response = upload_many(
        client,
        [
            (Phone().bundle([[make_record(1)]]), "faulty.xdsync"),
            (Phone().bundle([[make_record(1)]]), "fine.xdsync"),
        ],
    )
    assert response.status_code == 200
    answers = response.json["bundles"]
    assert [(a["ok"], a.get("code")) for a in answers] == [
        (False, "internal-error"),
        (True, None),
    ]
    assert count(app, LearningRecord) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda data: regzip(data),
        lambda data: regzip(data, level=9),
        lambda data: data + b"\x00trailing bytes",
        lambda data: gzip.compress(
            json.dumps(json.loads(gzip.decompress(data)), indent=2).encode()
        ),
    ],
)
def test_a_recompressed_bundle_is_known_by_its_content(app, client, change):
    phone = Phone()
    data = phone.bundle([[make_record(s) for s in range(1, 101)]])
    first = upload(client, data).json["bundles"][0]
    assert first["accepted"] == 100
    again = upload(client, change(data))
    assert again.status_code == 200, again.json
    second = again.json["bundles"][0]
    assert second["already_imported"] is True
    assert second["bundle_id"] == first["bundle_id"]
    assert second["accepted"] == 100  # the custody row's own count, as first answered
    assert count(app, SyncBundle) == 1
    assert count(app, LearningRecord) == 100


def test_a_bundle_of_batches_already_sent_online_counts_no_new_records(app, client):
    phone = Phone()
    phone.register(client)
    records = [make_record(s) for s in range(1, 11)]
    envelope = phone.batch(records)
    assert client.post("/api/v1/sync/batches", json=envelope).json["accepted"]
    document = {
        "type": "xdsync",
        "schema_version": 1,
        "device_id": phone.device_id,
        "created": records[0]["timestamp"],
        "registration": phone.registration(),
        "batches": [envelope],
    }
    result = upload(client, gzip.compress(json.dumps(document).encode())).json["bundles"][0]
    assert (result["accepted"], result["duplicate"]) == (0, 10)
    # The receipt still lists the records the county holds, so the phone can clear them.
    assert len(result["receipts"][0]["accepted"]) == 10
