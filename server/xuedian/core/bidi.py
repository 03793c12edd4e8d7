"""Text direction controls in pages: a name such as ``abc\\u202Egpj.exe`` would show as
``abcexe.jpg``. Every value a template prints goes through :func:`neutralise` (Jinja's
``finalize``, before autoescaping), which turns the invisible controls into a visible
U+FFFD, so what an administrator reads is what was stored. Owns no data."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

#: Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks.
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_TABLE = str.maketrans({c: "\ufffd" for c in CONTROLS})


def neutralise(value):
    """Return ``value`` with every direction control replaced; other values unchanged."""
    if isinstance(value, Markup):
        # Markup is already escaped; swapping single characters keeps it so.
        return Markup(str.translate(value, _TABLE))  # noqa: S704
    if isinstance(value, str):
        return value.translate(_TABLE)
    return value


def init_app(app: Flask) -> None:
    """Make every template of ``app`` print values through :func:`neutralise`."""
    app.jinja_env.finalize = neutralise
