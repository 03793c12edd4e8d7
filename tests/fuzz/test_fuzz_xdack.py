"""Fuzz the kiosk's ``.xdack`` reader (server/xuedian/relay/acks.py ``Acks.store``): mutated
bytes of a good ack, and acks the county's key really signed whose fields hold anything."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from xuedian.core.canonjson import canonical_bytes
from xuedian.keys.service import KeyExpired, KeyUnknown, SignatureInvalid
from xuedian.relay.acks import Acks

from .conftest import FUZZ, kit
from .mutate import json_values, mutated

DEVICE = "0123456789abcdef0123456789abcdef"
BODY = {
    "type": "xdack",
    "schema_version": 1,
    "device_id": DEVICE,
    "created": "2026-03-01T08:00:00Z",
    "max_contiguous_seq": 12,
    "stored_seq_ranges": [[1, 12], [15, 20]],
}
OWN = (SignatureInvalid, KeyUnknown, KeyExpired)  # AckInvalid is a SignatureInvalid


def _signed(body: dict) -> bytes:
    body = {**body, "key_id": kit.KEY_ID}
    try:
        message = canonical_bytes(body)
    except (TypeError, ValueError, RecursionError):
        assume(False)
    return json.dumps({"signed": body, "signature": kit.b64url(kit.PRIVATE.sign(message))}).encode()


SEED = _signed(BODY)


def _store(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder, contextlib.suppress(OWN):
        Acks(Path(folder)).store(DEVICE, data, None, kit.TRUSTED)


def test_the_seed_ack_is_kept(tmp_path):
    assert Acks(tmp_path).store(DEVICE, SEED, None, kit.TRUSTED) is True
    assert Acks(tmp_path).meta(DEVICE)["records"] == 18


@FUZZ
@given(mutated(st.just(SEED)))
def test_fuzz_xdack_bytes(fuzz_count, data):
    fuzz_count()
    _store(data)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["created", "stored_seq_ranges", "max_contiguous_seq", "device_id"]),
        json_values(),
        min_size=1,
    )
)
def test_fuzz_xdack_signed_fields(fuzz_count, change):
    fuzz_count()
    _store(_signed({**BODY, **change}))
