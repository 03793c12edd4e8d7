"""Fuzz the signed-envelope readers: a device's envelopes (server/xuedian/sync/devices.py
``envelope_parts``, then ``verify_signed`` and ``read_registration``) and the county's
(``keys.service.verify_envelope`` for catalogs, manifests and acks), with mutated good
envelopes and any JSON at all."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from xuedian.errors import XuedianError
from xuedian.keys.service import verify_envelope
from xuedian.sync.devices import envelope_parts, read_registration, verify_signed

from .conftest import FUZZ, kit
from .mutate import json_values, mutated

#: Every code a refused envelope may carry.
CODES = {
    "device-signature-invalid",
    "validation-failed",
    # A NUL or a lone surrogate in a field (core/wirefields.py): refused, never stored.
    "text-not-storable",
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
        lambda v: verify_signed(*envelope_parts(v), PHONE.public_key, "sync-batch"),
        lambda v: read_registration(*envelope_parts(v)),
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


def _signed_catalog(body: dict) -> bytes:
    from hypothesis import assume

    from xuedian.core.canonjson import canonical_bytes

    body = {**body, "key_id": kit.KEY_ID}
    try:
        message = canonical_bytes(body)
    except (TypeError, ValueError, RecursionError):
        assume(False)
    return json.dumps({"signed": body, "signature": kit.b64url(kit.PRIVATE.sign(message))}).encode()


CATALOG = {
    "type": "catalog",
    "schema_version": 1,
    "created": "2026-01-01T00:00:00Z",
    "expires": "2099-01-01T00:00:00Z",
    "packs": [{"pack_id": "vector-pack", "version": 1, "size": 1, "manifest_sha256": "0" * 64}],
}


@FUZZ
@given(
    st.dictionaries(st.sampled_from(["created", "expires", "packs", "x"]), json_values()),
    st.sampled_from(["pack_id", "version", "size", "manifest_sha256", "title"]),
    json_values(),
)
def test_fuzz_envelope_kiosk_catalog(tmp_path, fuzz_count, change, field, value):
    """A catalog the county's key signed, read by the kiosk mirror over one it keeps already."""
    from xuedian.relay.mirror import Mirror

    fuzz_count()
    body = {**CATALOG, **change}
    if isinstance(body.get("packs"), list) and body["packs"] and isinstance(body["packs"][0], dict):
        body["packs"] = [{**body["packs"][0], field: value}]
    mirror = Mirror(tmp_path / "mirror")
    mirror.folder.mkdir(parents=True, exist_ok=True)
    mirror.catalog_path.write_bytes(_signed_catalog(CATALOG))
    try:
        mirror._accept(_signed_catalog(body), kit.TRUSTED)
    except XuedianError as error:
        assert error.code in CODES | {"relay-catalog-older", "pack-archive-invalid"}, error.code
