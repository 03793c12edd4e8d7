"""tests/vectors/learner_cards.json through the county: the learner card's QR text and
short number, which the app computes alike (pwa/test/learner-card.test.mjs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xuedian.credits.card import card_text, short_number

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "vectors" / "learner_cards.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["learner"][:8])
def test_card_vectors_match_the_county(case):
    assert card_text(case["learner"]) == case["qr"]
    assert short_number(case["learner"]) == case["short_number"]
