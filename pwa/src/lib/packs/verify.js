/**
 * Signature checks for catalogs, manifests, county acks and event check-in tokens. Owns the in-memory copy of the
 * trusted public keys, read from `/trusted-keys.json`, which the service
 * worker precaches with the shell so it always comes from the county origin.
 */
import { canonicalBytes } from '../transport/canonjson.js';
import { base64urlDecode } from '../base64url.js';
import { XuedianError } from '../errors.js';

/** @typedef {{raw: Uint8Array, expires: number | null}} TrustedKey */

/** @type {Promise<Map<string, TrustedKey>> | null} */
let keysPromise = null;

/**
 * Load the trusted keys once per realm.
 * @returns {Promise<Map<string, TrustedKey>>} key_id → raw 32-byte public key and
 *   its expiry (ms since the epoch), null for never
 */
export function trustedKeys() {
  if (!keysPromise) {
    keysPromise = (async () => {
      let body;
      try {
        const res = await fetch('/trusted-keys.json');
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        body = await res.json();
      } catch (err) {
        keysPromise = null;
        throw new XuedianError('pack-key-unknown', 'The trusted keys could not be loaded.', { cause: err });
      }
      const map = new Map();
      for (const k of body?.keys || []) {
        if (k && k.alg === 'Ed25519' && typeof k.key_id === 'string') {
          const raw = base64urlDecode(k.public_key);
          const expires = typeof k.expires === 'string' ? Date.parse(k.expires) : null;
          // An unreadable expiry is treated as already passed: fail closed.
          if (raw.length === 32) map.set(k.key_id, { raw, expires: Number.isNaN(expires) ? 0 : expires });
        }
      }
      return map;
    })();
  }
  return keysPromise;
}

/** Forget the cached keys (after a service-worker update ships new ones). */
export function resetTrustedKeys() {
  keysPromise = null;
}

/**
 * Ed25519 verification: WebCrypto where it exists (Chromium 137+), else the
 * small pure-JS fallback, fetched only on phones that need it.
 * @param {Uint8Array} publicKey
 * @param {Uint8Array} signature
 * @param {Uint8Array} message
 * @returns {Promise<boolean>}
 */
export async function ed25519Verify(publicKey, signature, message) {
  let key;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    if (err?.name !== 'NotSupportedError' && !(err instanceof TypeError)) throw err;
    const noble = await import('@noble/ed25519');
    try {
      return await noble.verifyAsync(signature, message, publicKey);
    } catch {
      return false;
    }
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

/**
 * Verify a signed envelope `{signed, signature}` and return `signed`.
 * @param {any} envelope
 * @param {'catalog' | 'manifest' | 'xdack' | 'checkin'} type the `signed.type` the caller expects
 * @param {Map<string, TrustedKey>} [keys] trustedKeys() of another realm: the
 *   import worker gets them from its page
 * @returns {Promise<any>} the verified `signed` object
 * @throws {XuedianError} `pack-signature-invalid`, `pack-key-unknown` or `pack-key-expired`
 */
export async function verifyEnvelope(envelope, type, keys = undefined) {
  const signed = envelope?.signed;
  if (!signed || typeof signed !== 'object' || typeof envelope.signature !== 'string') {
    throw new XuedianError('pack-signature-invalid', 'Not a signed envelope.');
  }
  // A valid signature on the wrong kind of document must not pass.
  if (signed.type !== type) {
    throw new XuedianError('pack-signature-invalid', `Expected a signed ${type}.`, { details: { type: signed.type } });
  }
  // A list or an object is no key id; it must not reach a Map lookup as if it were unknown.
  if (typeof signed.key_id !== 'string' || !signed.key_id) {
    throw new XuedianError('pack-signature-invalid', 'The document names no key id.');
  }
  const trusted = (keys || (await trustedKeys())).get(signed.key_id);
  if (!trusted) {
    throw new XuedianError('pack-key-unknown', 'The signing key is not trusted.', { details: { key_id: signed.key_id } });
  }
  if (trusted.expires !== null && trusted.expires <= Date.now()) {
    throw new XuedianError('pack-key-expired', 'The signing key has expired or was revoked.', { details: { key_id: signed.key_id } });
  }
  const publicKey = trusted.raw;
  const signature = base64urlDecode(envelope.signature);
  if (signature.length !== 64) throw new XuedianError('pack-signature-invalid', 'Bad signature length.');
  let message;
  try {
    message = canonicalBytes(signed);
  } catch (err) {
    throw new XuedianError('pack-signature-invalid', 'The signed document is not canonical JSON.', { cause: err });
  }
  if (!(await ed25519Verify(publicKey, signature, message))) {
    throw new XuedianError('pack-signature-invalid', 'The signature does not match.');
  }
  return signed;
}
