"""The learner card (docs/credits.md): what its QR code holds and its short number, as the
app computes them too (pwa/src/lib/learner/card.js; tests/vectors/learner_cards.json keeps
the two in step). Owns no data."""

from __future__ import annotations

import hashlib

#: The learner card's QR text: ``XDL1:<learner uuid>`` (the id points' vouchers name).
CARD_PREFIX = "XDL1:"


def short_number(learner: str) -> str:
    """Return the learner card's 8-digit number: the UUID's first 12 hex digits modulo
    10**8 (the app computes the same, lib/learner/card.js). Not unique: a staff search
    by it lists every match."""
    digits = learner.replace("-", "")[:12]
    try:
        value = int(digits, 16)
    except ValueError:  # not a UUID (never from a phone): still a stable number
        value = int(hashlib.sha256(learner.encode("utf-8")).hexdigest()[:12], 16)
    return f"{value % 100_000_000:08d}"


def card_text(learner: str) -> str:
    """Return what the learner card's QR code holds (no name, no number beyond the id)."""
    return CARD_PREFIX + learner
