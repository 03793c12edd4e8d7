/**
 * The phone's own database (IndexedDB `xuedian`), opened through `idb`.
 *
 * Owns the schema of its stores; what each row means is the owning module's:
 * - `meta`   key-value: device credentials (transport/device.js), the device_seq
 *            counter and active learner (outbox/queue.js), last_synced, the
 *            last verified catalog (packs/catalog.js), and more named there.
 * - `outbox` learning records waiting for the county (keyPath `id`, index `device_seq`).
 * - `packs`  installed packs (keyPath `pack_id`): active version and its manifest.
 *            Writing this row is the one step that activates a version.
 * - `downloads` pack downloads in progress (keyPath `pack_id`): {pack_id, version,
 *            envelope, manifest, state: 'running'|'paused'|'failed', done, total, error}.
 * - `chunks` bytes of partly downloaded blobs, out-of-line key [blob_id, start],
 *            value an ArrayBuffer.
 * - `progress` the county's derived progress (keyPath [learner, pack, lesson]):
 *            {learner, pack, lesson, completed, best_score, seconds, updated}, from the
 *            changes feed (transport/feed.js), which also keeps `feed_cursor`,
 *            `learner_totals` and `feed_catalog` in `meta` (and, through
 *            transport/credits.js, `credits` and `credential_trust`).
 * - `inbox`  messages from the county (keyPath `id`): {id, created, title, body, read}.
 *
 * Version 3 added `progress` and `inbox`; every older store and row is kept.
 * Version 2 added `downloads` and `chunks` and moved pack files from the
 * `xuedian-content` cache to content-addressed blobs (packs/blobstore.js); the old
 * cache is deleted on upgrade and packs installed before it are re-downloaded
 * (see pwa/README.md).
 *
 * Requests are idb's promises: awaiting one inside a transaction keeps it alive.
 * Shared by the page, the service worker and workers, so it must not touch `window`.
 */
import { openDB } from 'idb';

export const DB_NAME = 'xuedian';
const DB_VERSION = 3;
/** The cache version 1 kept pack files in; unused since version 2. */
const LEGACY_CONTENT_CACHE = 'xuedian-content';

/** @typedef {import('idb').IDBPDatabase} Database */
/** @typedef {import('idb').IDBPTransaction<unknown, string[], IDBTransactionMode>} Transaction */

/** @type {Promise<Database> | null} */
let opening = null;

/** Create what an older version lacks; every store and row it has stays. */
function upgrade(db, oldVersion) {
  const has = (name) => db.objectStoreNames.contains(name);
  if (!has('meta')) db.createObjectStore('meta');
  if (!has('outbox')) db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('device_seq', 'device_seq', { unique: true });
  if (!has('packs')) db.createObjectStore('packs', { keyPath: 'pack_id' });
  if (!has('downloads')) db.createObjectStore('downloads', { keyPath: 'pack_id' });
  if (!has('chunks')) db.createObjectStore('chunks');
  if (!has('progress')) db.createObjectStore('progress', { keyPath: ['learner', 'pack', 'lesson'] });
  if (!has('inbox')) db.createObjectStore('inbox', { keyPath: 'id' });
  if (oldVersion === 1 && typeof caches !== 'undefined') {
    // Version 1 files are unreachable now; free their space. Their `packs` rows stay,
    // and the catalog offers to fetch the blobs they lack (missingBlobs).
    caches.delete(LEGACY_CONTENT_CACHE).catch(() => {});
  }
}

/**
 * Open (and on first use create) the database. The connection is shared.
 * @returns {Promise<Database>}
 */
export function openDb() {
  if (opening) return opening;
  const forget = () => {
    opening = null;
  };
  opening = openDB(DB_NAME, DB_VERSION, {
    upgrade,
    // Another tab or a new service worker may need to upgrade; let it.
    blocking(current, blocked, event) {
      /** @type {IDBDatabase} */ (event.target).close();
      forget();
    },
    terminated: forget,
  });
  opening.catch(forget);
  return opening;
}

/**
 * Run `fn` inside one transaction and resolve with its result once the
 * transaction has committed (so callers never see data that might roll back).
 * `fn` may only await requests of this transaction.
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: Transaction) => Promise<T> | T} fn
 * @returns {Promise<T>}
 */
export async function withTx(stores, mode, fn) {
  const db = await openDb();
  const tx = db.transaction(stores, mode);
  let result;
  try {
    result = await fn(tx);
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // Already finished; the original error is the one worth reporting.
    }
    tx.done.catch(() => {});
    throw err;
  }
  await tx.done;
  return result;
}

/**
 * A request's result. With idb a request already is a promise; this stays for
 * the screens written against the raw API (features/inbox, features/request).
 * @template T
 * @param {Promise<T>} request
 * @returns {Promise<T>}
 */
export function req(request) {
  return Promise.resolve(request);
}

/**
 * Read one `meta` value.
 * @param {string} key
 * @returns {Promise<any>}
 */
export async function getMeta(key) {
  return (await openDb()).get('meta', key);
}

/**
 * Write one `meta` value.
 * @param {string} key
 * @param {any} value
 * @returns {Promise<void>}
 */
export async function setMeta(key, value) {
  // Through withTx, unlike the reads: it resolves once the write has committed.
  await withTx(['meta'], 'readwrite', (tx) => tx.objectStore('meta').put(value, key));
}

/**
 * Delete one `meta` value.
 * @param {string} key
 * @returns {Promise<void>}
 */
export async function deleteMeta(key) {
  await withTx(['meta'], 'readwrite', (tx) => tx.objectStore('meta').delete(key));
}

/**
 * Read every row of a store.
 * @param {string} store
 * @returns {Promise<any[]>}
 */
export async function getAll(store) {
  return (await openDb()).getAll(store);
}

/**
 * Read one row of a store by key.
 * @param {string} store
 * @param {IDBValidKey} key
 * @returns {Promise<any>}
 */
export async function getOne(store, key) {
  return (await openDb()).get(store, key);
}

/**
 * Whether an error means the browser refused to store more data.
 * @param {unknown} err
 * @returns {boolean}
 */
export function isQuotaError(err) {
  const name = /** @type {{name?: string}} */ (err)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
