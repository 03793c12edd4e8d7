/**
 * Web Push on the phone: subscribe with the county's VAPID key, register the
 * subscription with a device-signed envelope, unsubscribe. Owns no storage: the
 * browser keeps the subscription (pushManager), the county keeps its copy.
 *
 * Push is only a nudge. Most phones in mainland China cannot reach their push
 * service, so every message also waits in the inbox for the next sync.
 */
import { apiJson, sendEnvelope } from './api.js';
import { ensureRegistered, sign } from './device.js';
import { base64urlDecode as b64urlDecode } from '../base64url.js';
import { XuedianError } from '../errors.js';

const KEY_URL = '/api/v1/push/vapid-public-key';
const SUBSCRIPTIONS = '/api/v1/push/subscriptions';

/** @returns {boolean} whether this browser can receive Web Push at all */
export function pushSupported() {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator
    && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window;
}

async function registration() {
  if (!pushSupported()) throw new XuedianError('push-unsupported', 'This browser has no Web Push.');
  return navigator.serviceWorker.ready;
}

async function sendSigned(method, body) {
  await ensureRegistered();
  const envelope = await sign({ type: 'push-subscription', created: new Date().toISOString(), ...body });
  await sendEnvelope(SUBSCRIPTIONS, envelope, { method });
}

/**
 * Whether this phone has a push subscription now.
 * @returns {Promise<boolean>}
 */
export async function isSubscribed() {
  if (!pushSupported()) return false;
  try {
    const reg = await navigator.serviceWorker.getRegistration();
    return !!(reg && (await reg.pushManager.getSubscription()));
  } catch {
    return false;
  }
}

/**
 * Ask permission, subscribe with the county's key and tell the county.
 * @returns {Promise<void>}
 * @throws {XuedianError} `push-unsupported`, `push-denied`, `network-offline`, …
 */
export async function subscribePush() {
  const reg = await registration();
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new XuedianError('push-denied', 'Notifications are not allowed.');
  const { public_key: key } = await apiJson(KEY_URL);
  let sub = await reg.pushManager.getSubscription();
  if (sub) {
    const current = sub.options?.applicationServerKey;
    const same = current && new Uint8Array(current).join() === b64urlDecode(key).join();
    if (!same) {
      // The county made a new key: the old subscription cannot be used.
      await sub.unsubscribe();
      sub = null;
    }
  }
  if (!sub) {
    try {
      sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64urlDecode(key) });
    } catch (err) {
      // No push service reachable (common in mainland China), or none in this browser.
      throw new XuedianError('push-unsupported', 'No push service is available.', { cause: err });
    }
  }
  const json = sub.toJSON();
  await sendSigned('POST', { subscription: { endpoint: json.endpoint, keys: json.keys } });
}

/**
 * Unsubscribe here and at the county (the county's copy goes even offline later:
 * its push would be answered 404/410 and removed).
 * @returns {Promise<void>}
 */
export async function unsubscribePush() {
  if (!pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg && (await reg.pushManager.getSubscription());
  if (!sub) return;
  const endpoint = sub.endpoint;
  await sub.unsubscribe();
  await sendSigned('DELETE', { endpoint }).catch(() => {});
}
