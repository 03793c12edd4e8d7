"""Canonical JSON matches RFC 8785, byte for byte, with the PWA's serialiser."""

from __future__ import annotations

import math

import pytest

from xuedian.core.canonjson import canonical_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": 2}, '{"a":2,"b":1}'),
        # Keys sort by UTF-16 code units: U+10000 (a surrogate pair) before U+FFFD.
        ({"\ufffd": 1, "\U00010000": 2}, '{"\U00010000":2,"\ufffd":1}'),
        ({"é": [True, False, None]}, '{"é":[true,false,null]}'),
        ("line\nbreak\u2028\u0001", '"line\\nbreak\u2028\\u0001"'),
        (1.5, "1.5"),
        (100.0, "100"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.000001, "-0.000001"),
        (123456789.125, "123456789.125"),
        (5e-324, "5e-324"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "0"),
        ({"z": [{"b": (1, "x")}, []], "a\n": {}}, '{"a\\n":{},"z":[{"b":[1,"x"]},[]]}'),
        ({"k\u00e9": 1, "k": 2, "K": 3}, '{"K":3,"k":2,"k\u00e9":1}'),
        (2**53, "9007199254740992"),
        (-(2**53), "-9007199254740992"),
        # As JSON.stringify writes them: a lone surrogate escaped in lowercase hex, and a
        # double beyond 2**53 by its shortest digits (a phone can sign both).
        ("x\ud800y", '"x\\ud800y"'),
        ({"\udc00": 1, "z": 2}, '{"z":2,"\\udc00":1}'),
        (2**60, "1152921504606847000"),
        (float(2**60), "1152921504606847000"),
        (123456789012345680000.0, "123456789012345680000"),
    ],
)
def test_canonical_bytes_match_rfc8785(value, expected):
    assert canonical_bytes(value) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53 + 1, 10**400, {1: "x"}, object()])
def test_canonical_bytes_refuse_what_json_cannot_carry(value):
    with pytest.raises((TypeError, ValueError)):
        canonical_bytes(value)
