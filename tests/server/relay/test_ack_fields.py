"""A county-signed ``.xdack`` whose fields are not an ack's is refused with ``ack-invalid``
(found by tests/fuzz/test_fuzz_xdack.py: a ``created`` that is not text, ranges that are not
pairs), and nothing is kept."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from xuedian.core.canonjson import canonical_bytes
from xuedian.relay.acks import Acks

VECTORS = Path(__file__).resolve().parents[2] / "vectors"
sys.path.insert(0, str(VECTORS))
try:
    import make_archive_vectors as kit
finally:
    sys.path.remove(str(VECTORS))

DEVICE = "0123456789abcdef0123456789abcdef"
BODY = {
    "type": "xdack",
    "schema_version": 1,
    "device_id": DEVICE,
    "created": "2026-03-01T08:00:00Z",
    "max_contiguous_seq": 12,
    "stored_seq_ranges": [[1, 12]],
    "key_id": kit.KEY_ID,
}


def _signed(**change) -> bytes:
    body = {**BODY, **change}
    signature = kit.b64url(kit.PRIVATE.sign(canonical_bytes(body)))
    return json.dumps({"signed": body, "signature": signature}).encode()


def test_a_good_ack_is_kept(tmp_path):
    assert Acks(tmp_path).store(DEVICE, _signed(), None, kit.TRUSTED) is True
    assert Acks(tmp_path).meta(DEVICE)["records"] == 12


@pytest.mark.parametrize(
    "change",
    [
        {"created": None},
        {"created": 5},
        {"created": "not a time"},
        {"stored_seq_ranges": True},
        {"stored_seq_ranges": [[1]]},
        {"stored_seq_ranges": [[5, 1]]},
        {"stored_seq_ranges": [["1", 2]]},
        {"max_contiguous_seq": "12"},
    ],
)
def test_an_ack_with_fields_that_are_not_an_acks_is_refused(tmp_path, change):
    from xuedian.errors import XuedianError

    with pytest.raises(XuedianError) as caught:
        Acks(tmp_path).store(DEVICE, _signed(**change), None, kit.TRUSTED)
    assert caught.value.code == "ack-invalid"
    assert Acks(tmp_path).meta(DEVICE) is None
