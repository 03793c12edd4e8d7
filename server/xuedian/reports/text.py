"""The report pages' words are the one catalog's (core/words.py). ``TEXT`` and ``lang`` stay
here for the report modules that index the catalog by language (figures, tables)."""

from __future__ import annotations

from ..core.words import LANGS, WORDS, current_lang

TEXT = WORDS
__all__ = ["LANGS", "TEXT", "lang"]


def lang() -> str:
    """The staff pages' language: ``?lang=``, else the one remembered in the session."""
    return current_lang()
