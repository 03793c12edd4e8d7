"""Canonical JSON matches RFC 8785 byte for byte, and the app's serialiser on the same
vectors (tests/vectors/canonjson.json, also run by pwa/test/canonjson.test.mjs)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from xuedian.core.canonjson import canonical_bytes

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "vectors" / "canonjson.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", VECTORS, ids=[c["name"] for c in VECTORS])
def test_canonical_bytes_match_the_shared_vectors(case):
    assert canonical_bytes(case["value"]) == case["canonical"].encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Python-only shapes: a tuple is an array, an int beyond 2**53 the double it equals.
        ({"z": [{"b": (1, "x")}, []]}, '{"z":[{"b":[1,"x"]},[]]}'),
        (float(2**60), "1152921504606847000"),
        (-(2**60), "-1152921504606847000"),
        # Noncharacters are text like any other; beside a lone surrogate they stay themselves.
        ("\ufdd0d800\ud800", '"\ufdd0d800\\ud800"'),
        ({"\ufdd0": "\udfff", "a": 1}, '{"a":1,"\ufdd0":"\\udfff"}'),
    ],
)
def test_canonical_bytes_of_python_values(value, expected):
    assert canonical_bytes(value) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53 + 1, 10**400, {1: "x"}, object()])
def test_canonical_bytes_refuse_what_json_cannot_carry(value):
    with pytest.raises((TypeError, ValueError)):
        canonical_bytes(value)
