"""Strategies shared by the fuzz targets: byte mutations of a seed and arbitrary JSON values."""

from __future__ import annotations

from hypothesis import strategies as st


def _apply(seed: bytes, edits: list) -> bytes:
    data = bytearray(seed)
    for kind, where, payload in edits:
        at = where % (len(data) + 1)
        if kind == "flip" and data:
            data[at % len(data)] ^= payload[0] if payload else 0xFF
        elif kind == "insert":
            data[at:at] = payload
        elif kind == "delete":
            del data[at : at + len(payload) + 1]
        elif kind == "truncate":
            del data[at:]
        elif kind == "repeat":
            data[at:at] = data[at : at + len(payload) * 8 + 1]
    return bytes(data)


EDIT = st.tuples(
    st.sampled_from(["flip", "flip", "flip", "insert", "delete", "truncate", "repeat"]),
    st.integers(min_value=0, max_value=1 << 20),
    st.binary(max_size=16),
)


def mutated(seeds) -> st.SearchStrategy[bytes]:
    """A seed with up to eight edits: flipped bytes, inserts, deletions, a cut, a repeat."""
    return st.builds(_apply, seeds, st.lists(EDIT, max_size=8))


#: Text that broke readers before: times at the edges of what dates hold, NUL, a lone
#: surrogate, an id beyond 64 bits.
EDGES = [
    "9999-12-31T23:59:59.999Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00",
    "\x00",
    "\ud800",
    "18446744073709551616",
    "",
]


def json_values(max_leaves: int = 20) -> st.SearchStrategy:
    """Any JSON value: the odd numbers, the odd text, nesting."""
    leaves = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=40)
        | st.sampled_from(EDGES)
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )
