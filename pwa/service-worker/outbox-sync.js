/**
 * Background Sync for the outbox. Owns nothing: the sync cycle (changes feed,
 * upload, acks, under the shared Web Lock) is src/lib/transport/feed.js and the outbox
 * src/lib/outbox/, bundled in here too, with the device key of
 * src/lib/transport/device.js. A service worker may not call import(), so esbuild inlines
 * the @noble/ed25519 fallback here that the page loads lazily.
 */
import { SYNC_TAG } from '../src/lib/outbox/send.js';
import { syncAll } from '../src/lib/transport/feed.js';

/**
 * Sync on a `sync` event with our tag: the same cycle as the page's, so the
 * progress an upload makes arrives with it (open pages hear of it through the
 * feed's BroadcastChannel). A rejection tells the browser to retry later with
 * its own backoff; nothing is deleted without a county receipt or ack.
 * @param {any} event a SyncEvent
 * @returns {void}
 */
export function onSync(event) {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(syncAll());
}
