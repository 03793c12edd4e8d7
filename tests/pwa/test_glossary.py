"""The app's words follow docs/glossary.md: no catalog text uses a word the glossary rules
out for its language, the zh-CN catalog says 您 and never 你, and every glossary term is
used by the catalogs of both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_i18n import EN, ZH

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def glossary_rows() -> list[dict[str, object]]:
    rows = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("中文", "") or set(cells[0]) <= {"-"}:
            continue
        zh, en, _meaning, not_zh, not_en = cells
        split = lambda s: [w.strip() for w in s.split(",") if w.strip()]  # noqa: E731
        rows.append({"zh": zh, "en": en, "not_zh": split(not_zh), "not_en": split(not_en)})
    return rows


ROWS = glossary_rows()


def has_words(text: str, words: str) -> bool:
    """Whether English ``text`` (placeholders such as {pack} left out) uses ``words``."""
    plain = re.sub(r"\{\w+\}", "", text)
    return re.search(rf"\b{re.escape(words)}\b", plain, re.I) is not None


def test_the_glossary_names_the_six_terms_and_more():
    terms = {r["zh"] for r in ROWS}
    assert {"课程", "课", "学时", "学分", "同步", "学习点"} <= terms


def test_the_app_says_nin_never_ni():
    found = [k for k, v in ZH.items() if "你" in v]
    assert found == [], f"catalog texts that say 你 rather than 您: {found}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["en"])
def test_no_text_uses_a_word_the_glossary_rules_out(row):
    bad = [(k, w) for k, v in ZH.items() for w in row["not_zh"] if w in v]
    bad += [(k, w) for k, v in EN.items() for w in row["not_en"] if has_words(v, w)]
    assert bad == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["en"])
def test_each_term_is_used_in_both_languages(row):
    assert any(row["zh"] in v for v in ZH.values()), row["zh"]
    assert any(has_words(v, row["en"]) for v in EN.values()), row["en"]
