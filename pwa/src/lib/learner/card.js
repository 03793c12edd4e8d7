/**
 * The learner card (docs/credits.md): what its QR code holds and its short number,
 * computed on the phone with no network, as the county computes them
 * (credits/card.py; tests/vectors/learner_cards.json keeps the two in step).
 * Owns no data.
 */

/** What the learner card's QR code holds: the learner id (points' vouchers name it). */
export const CARD_PREFIX = 'XDL1:';

/**
 * The card's 8-digit number: the id's first 12 hex digits modulo 10^8, as the
 * county computes it (credits/card.py `short_number`). Not unique: staff
 * searching by it see every match.
 * @param {string} learner UUID
 * @returns {string} 8 digits
 */
export function shortNumber(learner) {
  const n = parseInt(learner.replace(/-/g, '').slice(0, 12), 16) % 1e8;
  return String(n).padStart(8, '0');
}

/**
 * @param {string} learner
 * @returns {string} the learner card's QR text
 */
export function cardText(learner) {
  return CARD_PREFIX + learner;
}
