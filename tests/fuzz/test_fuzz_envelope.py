"""Fuzz the signed-envelope readers: a device's envelopes (server/xuedian/sync/devices.py
``verify_signed`` and ``read_registration``) and the county's (``keys.service.verify_envelope``
for catalogs, manifests and acks), with mutated good envelopes and any JSON at all."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from xuedian.errors import XuedianError
from xuedian.keys.service import verify_envelope
from xuedian.sync.devices import read_registration, verify_signed

from .conftest import FUZZ, kit
from .mutate import json_values, mutated

#: Every code a refused envelope may carry.
CODES = {
    "device-signature-invalid",
    "validation-failed",
    "unknown-field",
    "signature-invalid",
    "key-unknown",
    "key-expired",
}


def _phone():
    from server.sync.helpers import Phone

    return Phone()


PHONE = _phone()
REGISTRATION = PHONE.registration()
BATCH = PHONE.batch([])
SEEDS = [json.dumps(REGISTRATION).encode(), json.dumps(BATCH).encode()]


def _read(value) -> None:
    readers = (
        lambda v: verify_signed(v, PHONE.public_key, "sync-batch"),
        read_registration,
        lambda v: verify_envelope(v, "catalog", kit.TRUSTED),
    )
    for reader in readers:
        try:
            reader(value)
        except XuedianError as error:
            assert error.code in CODES, error.code


@FUZZ
@given(mutated(st.sampled_from(SEEDS)))
def test_fuzz_envelope_bytes(reader_app, fuzz_count, data):
    fuzz_count()
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return  # the HTTP layer refuses what is not JSON (core/http.py) before any reader
    _read(value)


@FUZZ
@given(
    st.sampled_from([REGISTRATION, BATCH]),
    st.sampled_from(["signed", "signature", "type", "device_id", "public_key", "key_id"]),
    json_values(),
)
def test_fuzz_envelope_fields(reader_app, fuzz_count, seed, key, value):
    fuzz_count()
    if key in ("signed", "signature"):
        envelope = {**seed, key: value}
    else:
        envelope = {**seed, "signed": {**seed["signed"], key: value}}
    _read(envelope)


@FUZZ
@given(json_values(max_leaves=40))
def test_fuzz_envelope_any_json(reader_app, fuzz_count, value):
    fuzz_count()
    _read(value)
