/**
 * When the page syncs. Owns the retry timer, the backoff counter and when the
 * feed was last asked; the sync itself (upload, changes feed, acks, under one
 * Web Lock) lives in lib/feed.js, fetched on the first sync, and lib/outbox.js.
 *
 * Triggers: start-up, the `online` event, the page coming back into view, a
 * timer (every few minutes while the app is open, with backoff after
 * failures), Background Sync (registered so the worker can upload after the
 * tab closes), and right after a record is made.
 */
import { flush, SYNC_TAG } from '../lib/outbox/send.js';
import { deviceIdentity } from '../lib/transport/device.js';
import { XuedianError } from '../lib/errors.js';
import { patchSyncState, refreshSyncState, getSyncState } from './status.js';

const BASE_DELAY_MS = 5_000;
// A few minutes: long enough to spare a dead link, short enough that a
// volunteer waiting at the learning point sees the records go.
const MAX_DELAY_MS = 4 * 60_000;
// Messages and progress from the county arrive with the feed; a no-op ask is cheap.
const FEED_EVERY_MS = 5 * 60_000;
let failures = 0;
let lastSync = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;

function backoffDelay(n) {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, n - 1));
  // Jitter spreads a village's phones apart when the tower comes back.
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Sync again after `delay` ms, unless a sync is already due sooner. */
function schedule(delay) {
  const at = Date.now() + delay;
  if (timer && dueAt <= at) return;
  if (timer) clearTimeout(timer);
  dueAt = at;
  timer = setTimeout(() => {
    timer = null;
    syncNow();
  }, delay);
}
let dueAt = 0;

/** The sync of lib/feed.js; the plain upload if that chunk cannot be fetched. */
async function runSync(fresh) {
  let mod;
  try {
    mod = await import('../lib/transport/feed.js');
  } catch {
    return flush();
  }
  const result = await mod.syncAll({ fresh });
  // Pack updates the county asked for (remote instructions) start from a page.
  import('../lib/transport/instructions.js').then((m) => m.startPackUpdates()).catch(() => {});
  return result;
}

/**
 * Sync now (ask the feed, upload, ask again); on failure retry later with
 * exponential backoff, else ask the feed again in a few minutes.
 * @param {{fresh?: boolean}} [opts] `fresh`: records were just made here, so
 *   upload them before asking the feed
 * @returns {Promise<void>}
 */
export async function syncNow({ fresh = false } = {}) {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  patchSyncState({ syncing: true });
  try {
    const result = await runSync(fresh);
    failures = 0;
    lastSync = Date.now();
    patchSyncState({ error: null });
    schedule(result.skipped ? BASE_DELAY_MS * 6 : FEED_EVERY_MS);
  } catch (err) {
    failures += 1;
    const code = err instanceof XuedianError ? err.code : 'internal-error';
    patchSyncState({ error: { code, message: err?.message } });
    // A busy or rate-limited county says when to come back; never sooner.
    const wait = Number(err instanceof XuedianError ? err.details?.retry_after : 0) || 0;
    schedule(Math.max(backoffDelay(failures), wait * 1000));
  } finally {
    patchSyncState({ syncing: false });
    await refreshSyncState();
    if (getSyncState().pending > 0) schedule(backoffDelay(Math.max(1, failures)));
  }
}

/** Ask the browser to wake the worker for a flush once the network is back. */
export async function registerBackgroundSync() {
  try {
    if (!('serviceWorker' in navigator)) return;
    const reg = await navigator.serviceWorker.getRegistration();
    await reg?.sync?.register(SYNC_TAG);
  } catch {
    // Unsupported or refused: the page's own triggers still cover it.
  }
}

/** Call after recordEvent(): queue a background sync and try at once. */
export function afterRecord() {
  registerBackgroundSync();
  syncNow({ fresh: true });
}

/** Wire the start-up, online and offline triggers. Call once. */
export function startSync() {
  window.addEventListener('online', () => {
    failures = 0;
    patchSyncState({ online: true });
    syncNow();
  });
  window.addEventListener('offline', () => patchSyncState({ online: false }));
  document.addEventListener('visibilitychange', () => {
    // A phone picked up again after a while asks what changed meanwhile.
    if (document.visibilityState === 'visible' && Date.now() - lastSync > 60_000) syncNow();
  });
  // Make the key on first launch, so an offline phone can export a bundle at once.
  deviceIdentity().catch(() => {});
  refreshSyncState();
  syncNow();
}
