"""County acks: the stored device_seq ranges, as a county-signed .xdack file by HTTP or CLI."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from xuedian.cli import main
from xuedian.extensions import db
from xuedian.keys.service import KeyRing, SignatureInvalid
from xuedian.sync.acks import MAX_RANGES, stored_ranges
from xuedian.sync.models import Device
from xuedian.sync.schemas import AckFile

from .helpers import make_record, register
from .test_hostile import assert_envelope


def acks_url(device_id: str) -> str:
    return f"/api/v1/sync/acks/{device_id}"


def ranges_of(app, device_id: str, limit: int = MAX_RANGES) -> list[list[int]]:
    with app.app_context():
        return stored_ranges(db.session.get(Device, device_id), limit)


@pytest.mark.parametrize(
    ("seqs", "expected"),
    [
        ([], []),
        ([1, 2, 3], [[1, 3]]),
        ([2, 3, 7], [[2, 3], [7, 7]]),
        ([1, 2, 4, 5, 6, 9, 10, 12], [[1, 2], [4, 6], [9, 10], [12, 12]]),
    ],
)
def test_stored_ranges_merge_and_keep_gaps(app, client, seqs, expected):
    phone = register(client)
    if seqs:
        phone.send(client, [make_record(s) for s in seqs])
    assert ranges_of(app, phone.device_id) == expected


def test_stored_ranges_from_batches_in_any_order(app, client):
    phone = register(client)
    phone.send(client, [make_record(s) for s in (5, 6)])
    phone.send(client, [make_record(s) for s in (1, 3)])
    phone.send(client, [make_record(2)])
    assert ranges_of(app, phone.device_id) == [[1, 3], [5, 6]]
    phone.send(client, [make_record(4)])
    assert ranges_of(app, phone.device_id) == [[1, 6]]


def test_stored_ranges_cap_keeps_the_lowest(app, client):
    phone = register(client)
    seqs = list(range(2, 2 * (MAX_RANGES + 5), 2))  # every one a range of its own
    for start in range(0, len(seqs), 500):
        phone.send(client, [make_record(s) for s in seqs[start : start + 500]])
    ranges = ranges_of(app, phone.device_id)
    assert len(ranges) == MAX_RANGES
    assert ranges[0] == [2, 2] and ranges[-1] == [2 * MAX_RANGES, 2 * MAX_RANGES]
    # A smaller cap keeps the lowest ranges too.
    assert ranges_of(app, phone.device_id, limit=3) == [[2, 2], [4, 4], [6, 6]]
    response = client.get(acks_url(phone.device_id))
    assert len(json.loads(response.data)["signed"]["stored_seq_ranges"]) == MAX_RANGES


def test_ack_file_is_county_signed_and_round_trips(app, client):
    phone = register(client)
    phone.send(client, [make_record(s) for s in (1, 2, 3, 7)])
    response = client.get(acks_url(phone.device_id))
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        rf'attachment; filename="xuedian-{phone.device_id[:8]}-\d{{8}}-\d{{4}}\.xdack"',
        disposition,
    )
    envelope = json.loads(response.data.decode("utf-8"))
    ring = KeyRing(app.instance_path)
    signed = ring.verify(envelope, "xdack")
    loaded = AckFile().load(signed)
    assert loaded["device_id"] == phone.device_id
    assert loaded["max_contiguous_seq"] == 3
    assert loaded["stored_seq_ranges"] == [[1, 3], [7, 7]]
    assert loaded["key_id"] == ring.active().key_id
    # One range stretched by a forger: the county signature no longer holds.
    forged = {**envelope, "signed": {**signed, "stored_seq_ranges": [[1, 99]]}}
    with pytest.raises(SignatureInvalid):
        ring.verify(forged, "xdack")
    with pytest.raises(SignatureInvalid):
        ring.verify(envelope, "catalog")


def test_ack_file_for_unknown_or_revoked_device(app, client):
    assert_envelope(client.get(acks_url("0" * 32)), 404, "device-unknown")
    assert_envelope(client.get(acks_url("not-a-device")), 404, "device-unknown")
    phone = register(client)
    assert client.get(acks_url(phone.device_id)).status_code == 200
    with app.app_context():
        assert CliRunner().invoke(main, ["devices", "revoke", phone.device_id]).exit_code == 0
    assert_envelope(client.get(acks_url(phone.device_id)), 403, "device-revoked")


def test_cli_sync_ack_writes_the_same_signed_file(app, client, tmp_path):
    phone = register(client)
    phone.send(client, [make_record(s) for s in (1, 2, 4)])
    out = tmp_path / "phone.xdack"
    with app.app_context():
        result = CliRunner().invoke(main, ["sync", "ack", phone.device_id[:8], "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{out}\t{phone.device_id}")
        into = CliRunner().invoke(main, ["sync", "ack", phone.device_id, "--out", str(tmp_path)])
        assert into.exit_code == 0, into.output
        unknown = CliRunner().invoke(main, ["sync", "ack", "f" * 32, "--out", str(out)])
        assert unknown.exit_code == 1 and "No single device" in unknown.output
    signed = KeyRing(app.instance_path).verify(json.loads(out.read_text("utf-8")), "xdack")
    assert signed["stored_seq_ranges"] == [[1, 2], [4, 4]]
    (named,) = tmp_path.glob("xuedian-*.xdack")
    assert named.name.startswith(f"xuedian-{phone.device_id[:8]}-")
    with app.app_context():
        CliRunner().invoke(main, ["devices", "revoke", phone.device_id])
        revoked = CliRunner().invoke(main, ["sync", "ack", phone.device_id, "--out", str(out)])
    assert revoked.exit_code == 1 and "device-revoked" in revoked.output
