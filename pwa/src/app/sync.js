/**
 * When the outbox is flushed from the page. Owns the retry timer and the
 * backoff counter; the flush itself (and its Web Lock) lives in lib/outbox.js.
 *
 * Triggers: start-up, the `online` event, a backoff timer, Background Sync
 * (registered so the worker can retry after the tab closes), and right after a
 * record is made.
 */
import { flush, SYNC_TAG } from '../lib/outbox.js';
import { deviceIdentity } from '../lib/device.js';
import { XuedianError } from '../lib/errors.js';
import { patchSyncState, refreshSyncState, getSyncState } from './status.js';

const BASE_DELAY_MS = 5_000;
// A few minutes: long enough to spare a dead link, short enough that a
// volunteer waiting at the learning point sees the records go.
const MAX_DELAY_MS = 4 * 60_000;
let failures = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;

function backoffDelay(n) {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, n - 1));
  // Jitter spreads a village's phones apart when the tower comes back.
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function schedule(delay) {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    syncNow();
  }, delay);
}

/**
 * Flush now; on failure retry later with exponential backoff.
 * @returns {Promise<void>}
 */
export async function syncNow() {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  patchSyncState({ syncing: true });
  try {
    const result = await flush();
    failures = 0;
    patchSyncState({ error: null });
    if (result.skipped) schedule(BASE_DELAY_MS * 6);
  } catch (err) {
    failures += 1;
    const code = err instanceof XuedianError ? err.code : 'internal-error';
    patchSyncState({ error: { code, message: err?.message } });
    schedule(backoffDelay(failures));
  } finally {
    patchSyncState({ syncing: false });
    await refreshSyncState();
    if (getSyncState().pending > 0 && !timer) schedule(backoffDelay(Math.max(1, failures)));
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
  syncNow();
}

/** Wire the start-up, online and offline triggers. Call once. */
export function startSync() {
  window.addEventListener('online', () => {
    failures = 0;
    patchSyncState({ online: true });
    syncNow();
  });
  window.addEventListener('offline', () => patchSyncState({ online: false }));
  // Make the key on first launch, so an offline phone can export a bundle at once.
  deviceIdentity().catch(() => {});
  refreshSyncState();
  syncNow();
}
