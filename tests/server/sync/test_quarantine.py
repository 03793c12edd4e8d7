"""Refused records are kept as short excerpts with their hash, within quotas per device and
per address; over a quota the batch is refused whole and nothing changes."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from xuedian.core.canonjson import canonical_bytes
from xuedian.extensions import db
from xuedian.sync.models import LearningRecord, QuarantinedRecord, SyncBatch

from .helpers import make_record, register
from .test_hostile import assert_envelope


def settings(app, **changes) -> None:
    current = app.config["XUEDIAN"]
    app.config["XUEDIAN"] = current.__class__(**{**current.__dict__, **changes})


def invalid(seq: int, size: int = 10, extra: int = 0) -> dict:
    record = make_record(seq)
    record["result"]["response"] = "长" * size + "x" * 3000 + "y" * extra
    return record


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_refused_record_is_kept_as_an_excerpt_with_its_hash(app, client):
    phone = register(client)
    bad = invalid(1, extra=1_900_000)  # 1.9 MB in one field
    for _ in range(3):
        response = phone.send(client, [bad])
        assert response.status_code == 200, response.json
        assert response.json["rejected"][0]["code"] == "record-invalid"
    whole = canonical_bytes(phone.own(bad))
    with app.app_context():
        rows = db.session.scalars(select(QuarantinedRecord)).all()
        assert len(rows) == 3
        for row in rows:
            assert row.body is None
            assert len(row.excerpt.encode("utf-8")) <= 512
            assert whole.decode("utf-8").startswith(row.excerpt)
            assert row.sha256 == hashlib.sha256(whole).hexdigest()
            assert row.size == len(whole)
            assert row.stored_bytes < 2048
            assert row.address == "127.0.0.1"


def test_unknown_field_names_in_a_reason_are_cut_short(app, client):
    phone = register(client)
    bad = {**make_record(1), "\x00" + "k" * 100_000: 1}
    response = phone.send(client, [bad])
    assert response.json["rejected"][0]["code"] == "record-invalid"
    with app.app_context():
        (row,) = db.session.scalars(select(QuarantinedRecord)).all()
        (key,) = row.reason
        assert len(key) <= 64 and "\x00" not in key


def test_over_the_device_quota_the_batch_is_refused_and_nothing_changes(app, client):
    settings(app, quarantine_device_rows=3)
    phone = register(client)
    first = phone.send(client, [make_record(1), invalid(2), invalid(3)])
    assert first.status_code == 200
    response = phone.send(client, [make_record(4), invalid(5), invalid(6)])
    assert_envelope(response, 429, "quota-exceeded")
    assert response.json["details"]["scope"] == "device"
    assert response.headers["Retry-After"] == str(response.json["details"]["retry_after"])
    assert (count(app, LearningRecord), count(app, QuarantinedRecord)) == (1, 2)
    assert count(app, SyncBatch) == 1
    # Valid records still flow: a batch that quarantines nothing needs no quota.
    assert phone.send(client, [make_record(4)]).json["accepted"]


def test_over_the_address_quota_new_devices_change_nothing(app, client):
    settings(app, quarantine_address_rows=4, quarantine_device_rows=100)
    for _ in range(2):
        assert register(client).send(client, [invalid(1), invalid(2)]).status_code == 200
    response = register(client).send(client, [invalid(1)])
    assert_envelope(response, 429, "quota-exceeded")
    assert response.json["details"]["scope"] == "address"
    assert count(app, QuarantinedRecord) == 4


def test_the_byte_quota_counts_what_rows_keep(app, client):
    settings(app, quarantine_device_bytes=1500)
    phone = register(client)
    assert phone.send(client, [invalid(1)]).status_code == 200
    response = phone.send(client, [invalid(2), invalid(3)])
    assert_envelope(response, 429, "quota-exceeded")
