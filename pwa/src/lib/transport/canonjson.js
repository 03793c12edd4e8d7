/**
 * RFC 8785 JSON Canonicalization Scheme, through the `canonicalize` package.
 * Owns no data; it is the byte-exact form that Ed25519 signatures on device
 * envelopes, catalogs and manifests cover. tests/vectors/canonjson.json holds
 * the cases the county (server/xuedian/core/canonjson.py) and this file agree on.
 *
 * Pinned at canonicalize 3.0.0: 4.x and 5.x refuse a lone surrogate, which the
 * county signs as JSON.stringify writes it (docs/protocol.md: a record an older
 * app stored with one must still be signable, so that only it is refused), and
 * 5.x calls String.prototype.isWellFormed, which the Chrome 80 WebViews the
 * build targets lack.
 */
import canonicalizeJson from 'canonicalize';

/**
 * Serialise a JSON value canonically.
 * @param {unknown} value
 * @returns {string}
 * @throws {TypeError} on values JSON cannot carry (NaN, Infinity, undefined, functions)
 */
export function canonicalize(value) {
  let text;
  try {
    text = canonicalizeJson(value);
  } catch (err) {
    throw new TypeError(`canonjson: ${/** @type {Error} */ (err).message}`);
  }
  if (typeof text !== 'string') throw new TypeError(`canonjson: cannot encode ${typeof value}`);
  return text;
}

/**
 * Canonical JSON as UTF-8 bytes.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}
