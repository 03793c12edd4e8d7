"""RFC 8785 (JSON Canonicalization Scheme) serialisation.

Signatures over manifests and catalogs are computed on these bytes, so the builder, the
server and the PWA (``pwa/src/lib/canonjson.js``) must agree byte for byte.

Two cases RFC 8785 leaves to I-JSON are written as ECMAScript's ``JSON.stringify`` writes
them, so any value a phone can sign has the same bytes here (docs/protocol.md):

- a lone surrogate (U+D800..U+DFFF not in a pair; a JavaScript string can hold one) is the
  escape ``\\udxxx``, lowercase, so the signature still checks and the record that holds it
  is refused on its own (``text-not-storable``) instead of failing its whole batch;
- an integer beyond 2**53 that a double holds exactly is written as that double.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal


def _number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        if abs(value) > 2**53:
            # A phone's number is a double: one beyond 2**53 that a double holds exactly
            # is what JSON.stringify wrote; any other integer no phone could have signed.
            try:
                exact = float(value)
            except OverflowError:
                exact = math.nan
            if exact != value:
                raise ValueError("integers beyond 2**53 are not portable in canonical JSON")
            return _number(exact)
        return str(value)
    if not math.isfinite(value):
        raise ValueError("NaN and Infinity are not allowed in canonical JSON")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    # repr gives the shortest round-trip digits, as ECMAScript does; only the layout differs.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = k + exponent  # value = 0.digits * 10**n (ECMA-262 Number::toString)
    sign = "-" if value < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


# The C string encoder json.dumps(ensure_ascii=False) uses, without its per-call setup:
# it escapes exactly what ECMAScript's JSON.stringify escapes.
_string = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring


def _keys(value: dict) -> list[str]:
    if all(type(key) is str and key.isascii() for key in value):
        # For ASCII, code point order is UTF-16 order; sorting by it avoids re-encoding.
        return sorted(value)
    if not all(isinstance(key, str) for key in value):
        raise TypeError("object keys must be strings")
    return sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))


def _encode(value, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is dict:
        out.append("{")
        first = True
        for key in _keys(value):
            if not first:
                out.append(",")
            first = False
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int and -(2**53) <= value <= 2**53:
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_string(str(value)))
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, dict | list | tuple):
        _encode(dict(value) if isinstance(value, dict) else list(value), out)
    else:
        raise TypeError(f"{type(value).__name__} cannot be canonicalised")


def canonical_bytes(value) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises ``TypeError`` or ``ValueError`` for values JSON cannot carry portably.
    """
    out: list[str] = []
    _encode(value, out)
    text = "".join(out)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Only a lone surrogate fails, and only inside a string: escape it as \udxxx.
        return text.encode("utf-8", "backslashreplace")
