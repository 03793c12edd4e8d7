"""A phone whose clock is a year ahead or a year behind: its records are stored, once, with
the times it wrote; ``received_at`` is the server's; and its heartbeat still follows what it
sent last (docs/protocol.md, "Clocks")."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from server.sync.helpers import STATUS, make_record, now_iso, register
from sqlalchemy import func, select

from xuedian.core.timeutil import parse_iso
from xuedian.extensions import db
from xuedian.sync.models import Device, LearningRecord

YEAR = 365


def batch_at(phone, records, shift_days: int, unsent: int) -> dict:
    """A signed batch made by a phone whose clock is ``shift_days`` off."""
    signed = {
        **phone.batch(records)["signed"],
        "created": now_iso(timedelta(days=shift_days)),
        "status": {**STATUS, "unsent": unsent},
    }
    return phone.sign(signed)


def bundle_at(phone, records, shift_days: int, unsent: int) -> bytes:
    created = now_iso(timedelta(days=shift_days))
    document = json.loads(gzip.decompress(phone.bundle([records], created=created)))
    document["batches"] = [batch_at(phone, records, shift_days, unsent)]
    return gzip.compress(json.dumps(document).encode())


def upload(client, data: bytes) -> dict:
    response = client.post(
        "/api/v1/sync/bundles", data=data, content_type="application/octet-stream"
    )
    assert response.status_code == 200, response.json
    (answer,) = response.json["bundles"]
    assert answer["ok"] is True, answer
    return answer


def heartbeat(app, phone) -> dict:
    with app.app_context():
        device = db.session.get(Device, phone.device_id)
        return {**device.last_status, "at": device.last_status_at}


@pytest.mark.parametrize("shift", [YEAR, -YEAR], ids=["year-ahead", "year-behind"])
def test_clock_skew_records_keep_device_time_and_are_stored_once(app, client, shift):
    phone = register(client)
    records = [make_record(seq, shift_days=shift) for seq in range(1, 301)]
    before = datetime.now(UTC)
    online = batch_at(phone, records[:200], shift, unsent=100)
    response = client.post("/api/v1/sync/batches", json=online)
    assert response.status_code == 200
    assert len(response.json["accepted"]) == 200
    answer = upload(client, bundle_at(phone, records[150:], shift, unsent=0))
    assert (answer["accepted"], answer["duplicate"], answer["rejected"]) == (100, 50, 0)
    # Sent again (a lost receipt): the same receipt, nothing new.
    assert client.post("/api/v1/sync/batches", json=online).json == response.json
    after = datetime.now(UTC)

    with app.app_context():
        stored = {r.id: r for r in db.session.scalars(select(LearningRecord))}
        assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 300
        assert db.session.get(Device, phone.device_id).max_contiguous_seq == 300
    assert set(stored) == {r["id"] for r in records}
    for record in records:
        row = stored[record["id"]]
        # The phone's own time, as written: nothing is clamped, shifted or refused.
        assert row.timestamp == parse_iso(record["timestamp"])
        assert abs((row.timestamp - before).days - shift) <= 1
        # When it arrived is the server's clock.
        assert before <= row.received_at <= after


def test_clock_skew_online_heartbeat_wins_whatever_the_clock(app, client):
    phone = register(client)
    client.post("/api/v1/sync/batches", json=batch_at(phone, [make_record(1)], YEAR, unsent=9))
    assert heartbeat(app, phone)["unsent"] == 9
    client.post("/api/v1/sync/batches", json=batch_at(phone, [make_record(2)], -YEAR, unsent=4))
    beat = heartbeat(app, phone)
    assert beat["unsent"] == 4
    # The phone's clock is kept as it said; when it came is the server's.
    assert parse_iso(beat["created"]).year < datetime.now(UTC).year
    assert abs(beat["at"] - datetime.now(UTC)) < timedelta(minutes=1)


def test_clock_skew_year_ahead_does_not_silence_later_bundles(app, client):
    phone = register(client)
    # Made while the clock was a year ahead, then the clock was put right.
    upload(client, bundle_at(phone, [make_record(1)], YEAR, unsent=7))
    assert heartbeat(app, phone)["unsent"] == 7
    upload(client, bundle_at(phone, [make_record(2)], 0, unsent=3))
    assert heartbeat(app, phone)["unsent"] == 3

    # Same after an online batch from the clock a year ahead.
    other = register(client)
    client.post("/api/v1/sync/batches", json=batch_at(other, [make_record(1)], YEAR, unsent=5))
    upload(client, bundle_at(other, [make_record(2)], 0, unsent=2))
    assert heartbeat(app, other)["unsent"] == 2


def test_clock_skew_year_behind_bundles_keep_their_own_order(app, client):
    phone = register(client)
    upload(client, bundle_at(phone, [make_record(1)], -YEAR, unsent=6))
    assert heartbeat(app, phone)["unsent"] == 6
    # Made later by the same slow clock: newer, so kept.
    upload(client, bundle_at(phone, [make_record(2)], -YEAR + 1, unsent=5))
    assert heartbeat(app, phone)["unsent"] == 5
    # Made earlier by that clock, and only now handed in: older, so not kept.
    upload(client, bundle_at(phone, [make_record(3)], -YEAR - 1, unsent=8))
    assert heartbeat(app, phone)["unsent"] == 5
    with app.app_context():
        assert db.session.get(Device, phone.device_id).max_contiguous_seq == 3
