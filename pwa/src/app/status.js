/**
 * What the sync status line shows. Owns the in-memory view state: outbox
 * counts, last sync time, online flag, whether a flush is running and the last
 * sync error. The durable truth stays in IndexedDB (see lib/outbox.js).
 */
import { outboxStatus, onOutboxChange } from '../lib/outbox/queue.js';

/**
 * @typedef {object} SyncState
 * @property {number | null} pending records waiting to be sent; null until the outbox
 *   has been read, so a fresh start never claims that nothing waits
 * @property {object[]} quarantined records the county rejected (kept, not re-sent)
 * @property {string | null} lastSynced ISO time of the last receipt
 * @property {boolean} online
 * @property {boolean} syncing
 * @property {{code: string, message?: string} | null} error last flush failure
 * @property {string | null} notice a one-off message such as `storage-full`
 */

/** @type {SyncState} */
let state = {
  pending: null,
  quarantined: [],
  lastSynced: null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  error: null,
  notice: null,
};
/** @type {Set<(s: SyncState) => void>} */
const subscribers = new Set();

/** @returns {SyncState} */
export function getSyncState() {
  return state;
}

/**
 * Merge a change into the state and tell subscribers.
 * @param {Partial<SyncState>} patch
 */
export function patchSyncState(patch) {
  state = { ...state, ...patch };
  subscribers.forEach((fn) => fn(state));
}

/**
 * @param {(s: SyncState) => void} fn
 * @returns {() => void} unsubscribe
 */
export function subscribeSync(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}

/** Re-read the outbox counts from IndexedDB. */
export async function refreshSyncState() {
  try {
    const s = await outboxStatus();
    patchSyncState({ pending: s.pending, quarantined: s.quarantined, lastSynced: s.lastSynced, online: navigator.onLine });
  } catch {
    // IndexedDB unavailable (private mode on some browsers): keep showing what we had.
  }
}

onOutboxChange(() => {
  refreshSyncState();
});
