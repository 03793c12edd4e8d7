/**
 * This phone's identity. Owns two `meta` entries:
 * - `device_key`: the Ed25519 key pair, made once and never sent anywhere but
 *   its public half. With WebCrypto Ed25519 it is the CryptoKeyPair itself
 *   (`{kind: 'webcrypto', keyPair, public_key, device_id}`, the private key
 *   non-extractable); elsewhere a random 32-byte secret for @noble/ed25519
 *   (`{kind: 'noble', secret, public_key, device_id}`).
 * - `device`: `{device_id, registered}` once the county has acknowledged the
 *   registration (whose answer also names the learning point: lib/transport/enrolment.js).
 *
 * device_id is the first 32 hex characters of sha256(raw public key), so
 * registering again (a county restored from backup) keeps the same id and the
 * device_seq simply carries on. Runs in the page and in the service worker.
 */
import { withTx, getMeta, setMeta, deleteMeta } from '../storage/db.js';
import { canonicalBytes } from './canonjson.js';
import { base64urlEncode, sha256Hex } from '../base64url.js';
import { apiJson } from './api.js';
import { XuedianError } from '../errors.js';
import { APP_VERSION } from '../version.js';
import { getEnrolment, enrolmentClaim, applyRegistration } from './enrolment.js';

/**
 * @typedef {object} DeviceIdentity
 * @property {'webcrypto' | 'noble'} kind
 * @property {string} device_id 32 lower-case hex characters
 * @property {string} public_key base64url of the raw 32-byte public key
 * @property {CryptoKeyPair} [keyPair] with kind `webcrypto`
 * @property {Uint8Array} [secret] with kind `noble`
 */

/** @type {Promise<DeviceIdentity> | null} */
let identity = null;

function noble() {
  return import('@noble/ed25519');
}

/** A fresh key pair: WebCrypto where the browser has Ed25519, else the JS fallback. */
async function makeKey(allowWebCrypto) {
  if (allowWebCrypto) {
    try {
      const keyPair = /** @type {CryptoKeyPair} */ (
        await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']));
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
      return { kind: 'webcrypto', keyPair, raw };
    } catch {
      // No Ed25519 in this WebCrypto (older WebView, Safari < 17): use the JS fallback.
    }
  }
  const ed = await noble();
  const secret = crypto.getRandomValues(new Uint8Array(32));
  return { kind: 'noble', secret, raw: await ed.getPublicKeyAsync(secret) };
}

async function loadOrMake(allowWebCrypto = true) {
  const known = await getMeta('device_key');
  if (known?.device_id) return known;
  const { raw, ...key } = await makeKey(allowWebCrypto);
  const made = { ...key, public_key: base64urlEncode(raw), device_id: (await sha256Hex(raw)).slice(0, 32) };
  try {
    // Another tab or the service worker may have made one meanwhile: the first stored wins.
    return await withTx(['meta'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      const stored = await meta.get('device_key');
      if (stored?.device_id) return stored;
      await meta.put(made, 'device_key');
      return made;
    });
  } catch (err) {
    // A browser that cannot store a CryptoKey in IndexedDB gets the fallback key instead.
    if (made.kind === 'webcrypto' && /** @type {any} */ (err)?.name === 'DataCloneError') return loadOrMake(false);
    throw err;
  }
}

/**
 * This phone's key and id, made on first use.
 * @returns {Promise<DeviceIdentity>}
 */
export function deviceIdentity() {
  if (!identity) {
    identity = loadOrMake().catch((err) => {
      identity = null;
      throw err;
    });
  }
  return identity;
}

/**
 * Sign a message as this phone: the envelope every request and bundle carries.
 * `signed.device_id` is set to this phone's id before signing.
 * @param {Record<string, unknown>} signed must include `type`
 * @returns {Promise<{signed: Record<string, unknown>, signature: string}>}
 */
export async function sign(signed) {
  const id = await deviceIdentity();
  const body = { ...signed, device_id: id.device_id };
  const message = canonicalBytes(body);
  let signature;
  if (id.kind === 'webcrypto' && id.keyPair) {
    signature = await crypto.subtle.sign({ name: 'Ed25519' }, id.keyPair.privateKey, message);
  } else if (id.secret) {
    signature = await (await noble()).signAsync(message, id.secret);
  } else {
    throw new XuedianError('internal-error', 'The device key is missing.');
  }
  return { signed: body, signature: base64urlEncode(signature) };
}

/**
 * A fresh `device-registration` envelope, signed by the key it registers
 * (proof of possession), with the learning point's code and enrolment token
 * the phone holds or was opened with. Bundles carry one so any county can
 * register the phone.
 * @param {{point?: string, enrolment?: string}} [claim] default: enrolmentClaim()
 * @returns {Promise<{signed: Record<string, unknown>, signature: string}>}
 */
export async function registration(claim) {
  const id = await deviceIdentity();
  return sign({
    type: 'device-registration',
    public_key: id.public_key,
    app_version: APP_VERSION,
    created: new Date().toISOString(),
    ...(claim || (await enrolmentClaim())),
  });
}

/**
 * Register with the county unless it already acknowledged this key and no
 * point's QR address waits for its answer (lib/transport/enrolment.js): opening one
 * enrols the phone at once, before any learning record.
 * @returns {Promise<DeviceIdentity>}
 * @throws {XuedianError} `device-revoked`, `network-offline`, `rate-limited`, …
 */
export async function ensureRegistered() {
  const id = await deviceIdentity();
  const known = await getMeta('device');
  const enrolment = await getEnrolment();
  if (known?.device_id === id.device_id && known.registered && !enrolment.pending) return id;
  const claim = await enrolmentClaim(enrolment);
  const body = await apiJson('/api/v1/devices', { method: 'POST', body: await registration(claim) });
  if (body?.device_id !== id.device_id) {
    throw new XuedianError('internal-error', 'The county answered with another device id.');
  }
  await setMeta('device', { device_id: id.device_id, registered: new Date().toISOString() });
  await applyRegistration(claim, body.point);
  return id;
}

/**
 * Forget the county's acknowledgement (it answered `device-unknown`), so the
 * next flush registers again. The key, and so the id, stay.
 * @returns {Promise<void>}
 */
export function forgetRegistration() {
  return deleteMeta('device');
}

/**
 * Run `send` (one signed request) as a registered phone. If the county
 * answers `device-unknown` (it was restored from a backup and forgot this
 * phone), register the same key again and send once more.
 * @template T
 * @param {() => Promise<T>} send
 * @returns {Promise<T>}
 * @throws {XuedianError} whatever `send` or the registration throws
 */
export async function asRegistered(send) {
  await ensureRegistered();
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof XuedianError) || err.code !== 'device-unknown') throw err;
    await forgetRegistration();
    await ensureRegistered();
    return send();
  }
}
