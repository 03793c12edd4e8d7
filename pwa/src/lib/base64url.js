/** base64url (RFC 4648 §5) encoding and decoding, and hex helpers. Owns no data. */
import { XuedianError } from './errors.js';

/**
 * Decode base64url (padding optional) to bytes.
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {XuedianError} `pack-signature-invalid` on characters outside the alphabet
 */
export function base64urlDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    throw new XuedianError('pack-signature-invalid', 'Not base64url.');
  }
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Encode bytes as unpadded base64url, the form signatures and keys travel in.
 * @param {ArrayBuffer | Uint8Array} buf
 * @returns {string}
 */
export function base64urlEncode(buf) {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Lower-case hex of bytes.
 * @param {ArrayBuffer | Uint8Array} buf
 * @returns {string}
 */
export function toHex(buf) {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * sha256 of bytes, as lower-case hex.
 * @param {ArrayBuffer | Uint8Array} buf
 * @returns {Promise<string>}
 */
export async function sha256Hex(buf) {
  return toHex(await crypto.subtle.digest('SHA-256', buf));
}
