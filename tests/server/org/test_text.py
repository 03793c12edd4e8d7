"""The staff pages' words: both languages have every key, and every key a template or
view uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import xuedian.org as org
from xuedian.learners.models import AGE_BANDS
from xuedian.org.text import LANGS, TEXT

ORG = Path(org.__file__).parent
USED = re.compile(r"""\b(?:t|zh|translate)\(\s*["']([a-z0-9_+-]+)["']""")


def test_both_languages_have_every_key():
    assert set(LANGS) == set(TEXT)
    assert set(TEXT["zh-CN"]) == set(TEXT["en"])
    assert all(value.strip() for words in TEXT.values() for value in words.values())


def test_placeholders_match_between_languages():
    fields = re.compile(r"{(\w+)}")
    for key, zh in TEXT["zh-CN"].items():
        assert set(fields.findall(zh)) == set(fields.findall(TEXT["en"][key])), key


def test_every_used_key_exists():
    sources = list((ORG / "templates").rglob("*.html")) + list(ORG.glob("*.py"))
    sources.remove(ORG / "text.py")
    used = {key for path in sources for key in USED.findall(path.read_text("utf-8"))}
    used -= {"age_"}  # t("age_" ~ band): the bands are added below
    used |= {f"age_{band}" for band in (*AGE_BANDS, "unknown")}
    assert used, "the pattern found no keys"
    assert sorted(used - set(TEXT["en"])) == []
