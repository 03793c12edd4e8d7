// The learner card's QR text and short number agree with the county's
// (tests/vectors/learner_cards.json, also run by tests/server/credits/test_card_vectors.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cardText, shortNumber } from '../src/lib/learner/card.js';

const vectors = JSON.parse(readFileSync(new URL('../../tests/vectors/learner_cards.json', import.meta.url), 'utf8'));

test('every vector gives the county\'s QR text and short number', () => {
  for (const c of vectors.cases) {
    assert.equal(cardText(c.learner), c.qr);
    assert.equal(shortNumber(c.learner), c.short_number);
  }
});
