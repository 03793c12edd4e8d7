"""Fuzz the sync bundle reader (server/xuedian/sync/bundles.py ``read_bundle`` and the relay's
``check_shape``): mutated gzip bytes, mutated JSON inside good gzip, and bundles whose every
envelope the phone really signed but whose fields hold anything."""

from __future__ import annotations

import gzip
import json

from hypothesis import assume, given
from hypothesis import strategies as st
from server.sync.helpers import Phone, make_record

from xuedian.errors import XuedianError
from xuedian.sync.bundlefile import check_shape
from xuedian.sync.bundles import read_bundle

from .conftest import FUZZ
from .mutate import json_values, mutated

PHONE = Phone()
SEED = PHONE.bundle([[make_record(1), make_record(2)], [make_record(3)]])
DOCUMENT = json.loads(gzip.decompress(SEED))
#: Every code a refused bundle may carry; anything else (or any other exception) is a bug.
CODES = {
    "bundle-invalid",
    "bundle-too-large",
    "device-signature-invalid",
    "batch-too-large",
    "validation-failed",
    "unknown-field",
}


def _read(data: bytes) -> None:
    for reader in (read_bundle, lambda d: check_shape(d, 1 << 20)):
        try:
            reader(data)
        except XuedianError as error:
            assert error.code in CODES, error.code


@FUZZ
@given(mutated(st.just(SEED)))
def test_fuzz_bundle_bytes(reader_app, fuzz_count, data):
    fuzz_count()
    _read(data)


def _replace(value, path: list[int], new):
    """``value`` with the node that ``path`` picks (indices modulo each level) set to ``new``."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _replace(value[key], path[1:], new)
    return copy


@FUZZ
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=6), json_values())
def test_fuzz_bundle_json(reader_app, fuzz_count, path, new):
    fuzz_count()
    document = _replace(DOCUMENT, path, new)
    _read(gzip.compress(json.dumps(document).encode("utf-8")))


@FUZZ
@given(
    st.sampled_from(["registration", "batch", "record", "status"]),
    st.text(max_size=12),
    json_values(),
)
def test_fuzz_bundle_signed_fields(reader_app, fuzz_count, where, key, value):
    """Signatures hold: the schemas and the code behind them meet the odd value."""
    fuzz_count()
    record = make_record(1)
    batch_fields: dict = {}
    registration: dict = {}
    if where == "registration":
        registration[key or "app_version"] = value
    elif where == "batch":
        batch_fields[key or "created"] = value
    elif where == "record":
        record[key or "timestamp"] = value
    else:
        batch_fields["status"] = {"unsent": 1, key or "app_version": value}
    try:
        document = {
            "type": "xdsync",
            "schema_version": 1,
            "device_id": PHONE.device_id,
            "created": DOCUMENT["created"],
            "registration": PHONE.registration(**registration),
            "batches": [PHONE.batch([record], **batch_fields)],
        }
    except (TypeError, ValueError, RecursionError):
        assume(False)  # a value the phone could not sign either
    _read(gzip.compress(json.dumps(document).encode("utf-8")))
