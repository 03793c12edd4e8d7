/**
 * The phone's certificate verifier: reads the compact QR form of a credential (`XD1:`,
 * base64url of raw-DEFLATE of its JCS bytes) and checks its `eddsa-jcs-2022` proof with
 * JSON canonicalization (RFC 8785), SHA-256 and Ed25519 alone, offline. Owns no data: the
 * status lists it reads come from sync. Load it with `import()` on the screens that
 * verify; docs/credentials.md describes the format, tests/vectors/credentials.json the
 * cases Python and this module share.
 */
import { inflateSync, gunzipSync } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyAsync } from '@noble/ed25519';
import { canonicalBytes } from '../transport/canonjson.js';
import { base64urlDecode } from '../base64url.js';

export const PREFIX = 'XD1:';
/** The largest credential a compact text may inflate to (as on the server). */
export const MAX_BYTES = 64 * 1024;

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * Decode base58btc text.
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {Error} on a character outside the alphabet
 */
export function base58Decode(text) {
  let n = 0n;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) throw new Error('not base58btc');
    n = n * 58n + BigInt(digit);
  }
  const bytes = [];
  while (n > 0n) { bytes.push(Number(n % 256n)); n /= 256n; }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros += 1;
  return Uint8Array.from([...new Array(zeros).fill(0), ...bytes.reverse()]);
}

/**
 * The raw Ed25519 key and controller of a did:key verification method.
 * @param {string} method `did:key:z6Mk…#z6Mk…`
 * @returns {{controller: string, key: Uint8Array}}
 * @throws {Error} for any other form
 */
export function resolveDidKey(method) {
  const [did, fragment] = String(method).split('#');
  const multikey = did.startsWith('did:key:') ? did.slice(8) : '';
  if (!multikey.startsWith('z') || fragment !== multikey) throw new Error('not a did:key method');
  const raw = base58Decode(multikey.slice(1));
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new Error('not an Ed25519 key');
  return { controller: did, key: raw.slice(2) };
}

/**
 * Read a compact credential.
 * @param {string} text `XD1:…`
 * @returns {Record<string, unknown>} the credential
 * @throws {Error} `credential-compact-invalid` when it is not one
 */
export function decodeCompact(text) {
  const fail = () => new Error('credential-compact-invalid');
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) throw fail();
  let credential;
  try {
    // A QR code holds under 3 KB, which DEFLATE cannot blow up past a few MB.
    const raw = inflateSync(base64urlDecode(text.slice(PREFIX.length).trim()));
    if (raw.length > MAX_BYTES) throw fail();
    credential = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw fail();
  }
  if (!credential || typeof credential !== 'object' || Array.isArray(credential)) throw fail();
  return credential;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function issuerId(credential) {
  const { issuer } = credential;
  return issuer && typeof issuer === 'object' ? issuer.id : issuer;
}

/**
 * Check the one `eddsa-jcs-2022` proof of a credential.
 * @param {Record<string, any>} credential
 * @returns {Promise<{verified: boolean, issuer: string | null, error: string | null}>}
 */
export async function verifyCredential(credential) {
  const issuer = typeof issuerId(credential) === 'string' ? issuerId(credential) : null;
  const refuse = (error) => ({ verified: false, issuer, error });
  const { proof, ...unsecured } = credential;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return refuse('credential-proof-invalid');
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-jcs-2022'
    || proof.proofPurpose !== 'assertionMethod') return refuse('credential-proof-invalid');
  let method;
  let signature;
  try {
    method = resolveDidKey(proof.verificationMethod);
    if (typeof proof.proofValue !== 'string' || !proof.proofValue.startsWith('z')) throw new Error('not multibase');
    signature = base58Decode(proof.proofValue.slice(1));
  } catch {
    return refuse('credential-proof-invalid');
  }
  if (signature.length !== 64 || method.controller !== issuer) return refuse('credential-proof-invalid');
  const { proofValue, ...config } = proof;
  if ('@context' in unsecured) config['@context'] = unsecured['@context'];
  else delete config['@context'];
  const data = concat(sha256(canonicalBytes(config)), sha256(canonicalBytes(unsecured)));
  const ok = await verifyAsync(signature, data, method.key).catch(() => false);
  return ok ? { verified: true, issuer, error: null } : refuse('credential-proof-invalid');
}

/**
 * Whether a credential's Bitstring Status List entry says revoked, from lists synced
 * earlier (their `encodedList` by list URL).
 * @param {Record<string, any>} credential
 * @param {Map<string, string>} lists statusListCredential URL → encodedList
 * @returns {'revoked' | 'valid' | 'unknown'} `unknown` when no synced list covers it
 */
export function statusOf(credential, lists) {
  const entries = [credential.credentialStatus].flat().filter(Boolean);
  let seen = false;
  for (const entry of entries) {
    if (entry.type !== 'BitstringStatusListEntry' || entry.statusPurpose !== 'revocation') continue;
    const encoded = lists.get(entry.statusListCredential);
    if (typeof encoded !== 'string' || !encoded.startsWith('u')) continue;
    const bits = gunzipSync(base64urlDecode(encoded.slice(1)));
    const index = Number.parseInt(entry.statusListIndex, 10);
    if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) continue;
    if (bits[index >> 3] & (0x80 >> (index & 7))) return 'revoked';
    seen = true;
  }
  return seen ? 'valid' : 'unknown';
}

/**
 * Verify a scanned QR text: genuine, revoked, or not (with why).
 * @param {string} text `XD1:…`
 * @param {Map<string, string>} [lists] synced status lists (see {@link statusOf})
 * @returns {Promise<{verified: boolean, issuer: string | null, status: string, error: string | null, credential: object | null}>}
 */
export async function verifyCompact(text, lists = new Map()) {
  let credential;
  try {
    credential = decodeCompact(text);
  } catch (err) {
    return { verified: false, issuer: null, status: 'unknown', error: err.message, credential: null };
  }
  const result = await verifyCredential(credential);
  const status = result.verified ? statusOf(credential, lists) : 'unknown';
  return { ...result, status, credential };
}
