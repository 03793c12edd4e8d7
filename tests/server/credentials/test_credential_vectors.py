"""tests/vectors/credentials.json against the county's compact form and verifier; the app's
verifier reads the same file in pwa/test/credentials.test.mjs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xuedian.credentials import compact, statuslist
from xuedian.credentials.errors import XuedianError
from xuedian.credentials.service import check_proofs

ROOT = Path(__file__).resolve().parents[3]
VECTORS = json.loads((ROOT / "tests" / "vectors" / "credentials.json").read_text("utf-8"))


def test_vector_file_is_what_the_script_writes():
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "vectors"))
    try:
        from make_credential_vectors import make
    finally:
        sys.path.pop(0)
    assert make() == VECTORS


def _status(credential: dict) -> str:
    entry = credential.get("credentialStatus")
    if not entry:
        return "unknown"
    bits = statuslist.decode(VECTORS["lists"][entry["statusListCredential"]])
    return "revoked" if statuslist.bit(bits, int(entry["statusListIndex"])) else "valid"


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_compact_vector(case):
    try:
        credential = compact.decode(case["compact"])
        issuer = check_proofs(credential)
    except XuedianError as refused:
        assert (False, refused.code) == (case["verified"], case["error"])
        return
    assert case["verified"] is True
    assert issuer == case["issuer"]
    assert _status(credential) == case["status"]
    assert compact.encode(credential) == case["compact"]
