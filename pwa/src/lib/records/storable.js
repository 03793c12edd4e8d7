/**
 * Text a record may carry. Owns no data: it makes the strings the app writes
 * into records and heartbeats storable by the county (docs/protocol.md, text),
 * so no record is ever refused for its text. The county refuses NUL (U+0000)
 * and lone surrogates (half of a UTF-16 pair, which a JavaScript string can
 * hold after a careless slice) with `text-not-storable`.
 */

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text without NUL, and with each lone surrogate replaced by U+FFFD.
 * @param {string} text
 * @returns {string}
 */
export function storableText(text) {
  return String(text).replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\uFFFD'));
}

/**
 * At most `max` UTF-16 code units of storable text, never cutting a pair.
 * @param {string} text
 * @param {number} max
 * @returns {string}
 */
export function cutText(text, max) {
  const clean = storableText(text);
  if (clean.length <= max) return clean;
  const code = clean.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return clean.slice(0, end);
}

/**
 * A JSON value with every string (keys too) made storable.
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function storableValue(value) {
  if (typeof value === 'string') return /** @type {T} */ (storableText(value));
  if (Array.isArray(value)) return /** @type {T} */ (value.map(storableValue));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[storableText(k)] = storableValue(v);
    return /** @type {T} */ (out);
  }
  return value;
}
