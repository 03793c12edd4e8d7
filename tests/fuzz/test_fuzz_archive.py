"""Fuzz the pack archive reader (server/xuedian/packs/archive.py): mutated vector archives and
archives whose signed manifest holds anything JSON can."""

from __future__ import annotations

import base64
import json
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from xuedian.core.canonjson import canonical_bytes
from xuedian.errors import XuedianError
from xuedian.keys.service import KeyExpired, KeyUnknown, SignatureInvalid
from xuedian.packs.archive import ArchiveInvalid, check_archive, read_manifest

from .conftest import FUZZ, kit
from .mutate import json_values, mutated

OWN = (ArchiveInvalid, SignatureInvalid, KeyUnknown, KeyExpired)
SEEDS = [base64.b64decode(c["archive"]) for c in kit.vectors()["cases"]]


def _read(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xdpack"
        path.write_bytes(data)
        try:
            manifest, _ = read_manifest(path, kit.TRUSTED)
            check_archive(path, manifest)
        except OWN:
            pass
        except XuedianError as error:  # pragma: no cover - what the assertion reports
            raise AssertionError(
                f"a code the archive reader must not give: {error.code}"
            ) from error


@FUZZ
@given(mutated(st.sampled_from(SEEDS)))
def test_fuzz_archive_bytes(fuzz_count, data):
    fuzz_count()
    _read(data)


def _signed_manifest(body: dict) -> bytes:
    body = {**body, "key_id": kit.KEY_ID}
    try:
        message = canonical_bytes(body)
    except (TypeError, ValueError, RecursionError):
        assume(False)
    signature = kit.b64url(kit.PRIVATE.sign(message))
    return json.dumps({"signed": body, "signature": signature}).encode()


@FUZZ
@given(
    st.dictionaries(st.sampled_from(["blobs", "pack_id", "version", "type", "x"]), json_values()),
    st.booleans(),
)
def test_fuzz_archive_signed_manifest(fuzz_count, change, typed):
    """A manifest the county's key signed, with anything in its fields (a bad county build)."""
    fuzz_count()
    body = {"type": "manifest", "schema_version": 1, **change}
    if typed:
        body["type"] = "manifest"
    entries = [replace(kit.GOOD[0], data=_signed_manifest(body)), *kit.GOOD[1:]]
    _read(kit.zip_bytes(entries))
