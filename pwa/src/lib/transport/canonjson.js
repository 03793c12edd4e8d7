/**
 * RFC 8785 JSON Canonicalization Scheme. Owns no data; it is the byte-exact
 * form that Ed25519 signatures on catalogs and manifests cover.
 */

/**
 * Serialise a JSON value canonically: no whitespace, object keys sorted by
 * UTF-16 code units, strings and numbers exactly as ECMAScript JSON.stringify
 * writes them (which is what RFC 8785 specifies).
 * @param {unknown} value
 * @returns {string}
 * @throws {TypeError} on values JSON cannot carry (NaN, Infinity, undefined, functions)
 */
export function canonicalize(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonjson: non-finite number');
      // JSON.stringify writes -0 as 0, as RFC 8785 requires.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
      // Default sort compares UTF-16 code units, the order RFC 8785 names.
      const keys = Object.keys(value).sort();
      const parts = [];
      for (const key of keys) {
        const v = /** @type {Record<string, unknown>} */ (value)[key];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalize(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonjson: cannot encode ${typeof value}`);
  }
}

/**
 * Canonical JSON as UTF-8 bytes.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}
