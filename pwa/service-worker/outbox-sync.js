/**
 * Background Sync for the outbox. Owns nothing: the outbox and its flush
 * (under the shared Web Lock) are in src/lib/outbox.js, bundled in here too,
 * with the device key of src/lib/device.js. A service worker may not call
 * import(), so esbuild inlines the @noble/ed25519 fallback here that the page
 * loads lazily.
 */
import { flush, SYNC_TAG } from '../src/lib/outbox.js';

/**
 * Flush on a `sync` event with our tag. A rejection tells the browser to retry
 * later with its own backoff; nothing is deleted without a receipt.
 * @param {any} event a SyncEvent
 * @returns {void}
 */
export function onSync(event) {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(flush());
}
