/**
 * Pack download progress as every tab sees it. Owns the in-memory status of
 * each download this page knows, the jobs this page runs (an AbortController
 * and promise per pack) and the `xuedian-downloads` BroadcastChannel that
 * carries statuses and pause commands between tabs. The rows themselves are
 * the `downloads` store's (packs/downloads.js).
 */

/**
 * @typedef {object} DownloadStatus
 * @property {string} pack_id
 * @property {number} version
 * @property {'running'|'waiting'|'paused'|'failed'|'installed'|'removed'} state
 *   `waiting` is `running` while the network is away
 * @property {number} done bytes stored so far (never decreases while running)
 * @property {number} total bytes this download fetches
 * @property {string | null} error an error code
 * @property {boolean | null} [persisted] after install: the persist() answer
 */

/** @type {Map<string, DownloadStatus>} */
export const statuses = new Map();
/** @type {Set<(s: DownloadStatus) => void>} */
const listeners = new Set();
/** @type {Map<string, {controller: AbortController, promise: Promise<void>}>} */
export const active = new Map();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('xuedian-downloads') : null;
let lastPost = 0;

/**
 * Record a status and tell this tab's listeners and, coarsely, the other tabs.
 * @param {DownloadStatus} status
 * @param {{broadcast?: boolean}} [opts]
 * @returns {void}
 */
export function emit(status, { broadcast = true } = {}) {
  statuses.set(status.pack_id, status);
  listeners.forEach((fn) => fn(status));
  const now = Date.now();
  // Other tabs only need a coarse view; do not flood them on every read.
  if (broadcast && channel && (status.state !== 'running' || now - lastPost > 500)) {
    lastPost = now;
    channel.postMessage(status);
  }
}
if (channel) {
  channel.onmessage = (e) => {
    // A pause pressed in another tab must stop the requests this tab is making.
    if (e.data?.cmd === 'pause') active.get(e.data.pack_id)?.controller.abort();
    else if (e.data?.pack_id) emit(e.data, { broadcast: false });
  };
}


/**
 * Ask every tab to stop the requests it makes for a pack (a pause pressed here).
 * @param {string} packId
 * @returns {void}
 */
export function broadcastPause(packId) {
  channel?.postMessage({ cmd: 'pause', pack_id: packId });
}

/**
 * The status of a `downloads` row, with `patch` applied.
 * @param {any} row
 * @param {Partial<DownloadStatus>} [patch]
 * @returns {DownloadStatus}
 */
export function statusOf(row, patch = {}) {
  return { pack_id: row.pack_id, version: row.version, state: row.state, done: row.done || 0, total: row.total || 0, error: row.error || null, ...patch };
}

/**
 * Follow download progress and state changes (this tab and others).
 * @param {(s: DownloadStatus) => void} fn
 * @returns {() => void} unsubscribe
 */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

