"""RFC 8785 (JSON Canonicalization Scheme) serialisation, through the ``rfc8785`` package.

Signatures over manifests, catalogs and device envelopes are computed on these bytes, so the
builder, the server and the PWA (``pwa/src/lib/transport/canonjson.js``) must agree byte for
byte; tests/vectors/canonjson.json holds the cases both sides check. Owns no data.

Two cases RFC 8785 leaves to I-JSON (and ``rfc8785`` refuses) are written as ECMAScript's
``JSON.stringify`` writes them, so any value a phone can sign has the same bytes here
(docs/protocol.md):

- a lone surrogate (U+D800..U+DFFF not in a pair; a JavaScript string can hold one) is the
  escape ``\\udxxx``, lowercase, so the signature still checks and the record that holds it
  is refused on its own (``text-not-storable``) instead of failing its whole batch;
- an integer beyond 2**53 that a double holds exactly is written as that double.
"""

from __future__ import annotations

import math
import re

import rfc8785

_SAFE = 2**53 - 1
_LONE = re.compile(r"[\ud800-\udfff]")
# Noncharacters, which no text a phone writes holds: one stands for the lone surrogates'
# escapes until the bytes are written (the first that the value does not contain).
_MARKERS = [chr(c) for c in range(0xFDD0, 0xFDF0)]


class _Key(str):
    """A key whose text has marked surrogates but which sorts as the original key."""

    __slots__ = ("_units",)

    def encode(self, encoding="utf-8", errors="strict"):
        # rfc8785 sorts keys by their UTF-16 code units: those of the original text.
        if encoding.replace("-", "").lower() == "utf16be":
            return self._units
        return super().encode(encoding, errors)


def _integer(value: int) -> int | float:
    if -_SAFE <= value <= _SAFE:
        return value
    # A phone's number is a double: one beyond 2**53 that a double holds exactly is what
    # JSON.stringify wrote; any other integer no phone could have signed.
    try:
        exact = float(value)
    except OverflowError:
        exact = math.nan
    if exact != value:
        raise ValueError("integers beyond 2**53 are not portable in canonical JSON")
    return exact


class _Portable:
    """One value made acceptable to rfc8785; ``marker`` is set once a surrogate is marked."""

    def __init__(self, root) -> None:
        self.root = root
        self.marker: str | None = None

    def text(self, value: str) -> str:
        if not _LONE.search(value):
            return value
        if self.marker is None:
            self.marker = _marker_for(self.root)
        return _LONE.sub(lambda m: f"{self.marker}{ord(m.group()):04x}", value)

    def key(self, key) -> str:
        if type(key) is not str:
            raise TypeError("object keys must be strings")
        text = self.text(key)
        if text is key:
            return key
        marked = _Key(text)
        marked._units = key.encode("utf-16-be", "surrogatepass")
        return marked

    def value(self, value):
        if isinstance(value, str):
            return self.text(str(value))
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return _integer(int(value))
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError("NaN and Infinity are not allowed in canonical JSON")
            return value
        if isinstance(value, dict):
            return {self.key(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        raise TypeError(f"{type(value).__name__} cannot be canonicalised")


def _marker_for(value) -> str:
    """A marker no string of ``value`` holds; ``ValueError`` if it holds all 32."""
    seen: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            seen.update(ch for ch in _MARKERS if ch in item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    free = [m for m in _MARKERS if m not in seen]
    if not free:
        raise ValueError("text holds lone surrogates and every noncharacter marker")
    return free[0]


def canonical_bytes(value) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises ``TypeError`` or ``ValueError`` for values JSON cannot carry portably.
    """
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        # A lone surrogate or a large integer (or a value no JSON carries): prepare it.
        pass
    portable = _Portable(value)
    prepared = portable.value(value)
    try:
        out = rfc8785.dumps(prepared)
    except rfc8785.CanonicalizationError as err:
        raise ValueError(str(err)) from err
    if portable.marker is None:
        return out
    marker = re.escape(portable.marker.encode("utf-8"))
    return re.sub(marker + rb"([0-9a-f]{4})", rb"\\u\1", out)
