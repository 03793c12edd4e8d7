/**
 * The phone's own database (IndexedDB `xuedian`).
 *
 * Owns three stores:
 * - `meta`   key-value: device credentials, the device_seq counter, the active
 *            learner, last_synced, the last verified catalog.
 * - `outbox` learning records waiting for the county (keyPath `id`, index `device_seq`).
 * - `packs`  installed packs (keyPath `pack_id`): active version and its manifest.
 *            Writing this row is the one step that activates a version.
 * - `downloads` pack downloads in progress (keyPath `pack_id`): {pack_id, version,
 *            envelope, manifest, state: 'running'|'paused'|'failed', done, total, error}.
 * - `chunks` bytes of partly downloaded blobs, out-of-line key [blob_id, start],
 *            value an ArrayBuffer.
 * - `progress` the county's derived progress (keyPath [learner, pack, lesson]):
 *            {learner, pack, lesson, completed, best_score, seconds, updated}, from the
 *            changes feed (lib/transport/feed.js), which also keeps `feed_cursor`, `learner_totals`
 *            and `feed_catalog` in `meta`.
 * - `inbox`  messages from the county (keyPath `id`): {id, created, title, body, read}.
 *
 * Version 3 added `progress` and `inbox`; every older store and row is kept.
 * Version 2 added `downloads` and `chunks` and moved pack files from the
 * `xuedian-content` cache to content-addressed blobs (lib/packs/blobstore.js); the old
 * cache is deleted on upgrade and packs installed before it are re-downloaded
 * (see pwa/README.md).
 *
 * Shared by the page, the service worker and workers, so it must not touch `window`.
 */

export const DB_NAME = 'xuedian';
const DB_VERSION = 3;
/** The cache version 1 kept pack files in; unused since version 2. */
const LEGACY_CONTENT_CACHE = 'xuedian-content';

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

/**
 * Turn an IDBRequest into a promise. Resolving inside the request callback keeps
 * the transaction alive for the awaiting code, because promise reactions run as
 * microtasks before IndexedDB auto-commits.
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Open (and on first use create) the database. The connection is shared.
 * @returns {Promise<IDBDatabase>}
 */
export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      if (!db.objectStoreNames.contains('outbox')) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('device_seq', 'device_seq', { unique: true });
      }
      if (!db.objectStoreNames.contains('packs')) db.createObjectStore('packs', { keyPath: 'pack_id' });
      if (!db.objectStoreNames.contains('downloads')) db.createObjectStore('downloads', { keyPath: 'pack_id' });
      if (!db.objectStoreNames.contains('chunks')) db.createObjectStore('chunks');
      if (!db.objectStoreNames.contains('progress')) {
        db.createObjectStore('progress', { keyPath: ['learner', 'pack', 'lesson'] });
      }
      if (!db.objectStoreNames.contains('inbox')) db.createObjectStore('inbox', { keyPath: 'id' });
      if (event.oldVersion === 1 && typeof caches !== 'undefined') {
        // Version 1 files are unreachable now; free their space. Their `packs` rows stay,
        // and the catalog offers to fetch the blobs they lack (missingBlobs).
        caches.delete(LEGACY_CONTENT_CACHE).catch(() => {});
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab or a new service worker may need to upgrade; let it.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
    // onblocked needs no handler: other connections close themselves on versionchange.
  });
  return opening;
}

/**
 * Run `fn` inside one transaction and resolve with its result once the
 * transaction has committed (so callers never see data that might roll back).
 * `fn` may only await IndexedDB requests made through `req`.
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T> | T} fn
 * @returns {Promise<T>}
 */
export async function withTx(stores, mode, fn) {
  const db = await openDb();
  const tx = db.transaction(stores, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException('Transaction aborted', 'AbortError'));
  });
  let result;
  try {
    result = await fn(tx);
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // Already finished; the original error is the one worth reporting.
    }
    done.catch(() => {});
    throw err;
  }
  await done;
  return result;
}

/**
 * Read one `meta` value.
 * @param {string} key
 * @returns {Promise<any>}
 */
export function getMeta(key) {
  return withTx(['meta'], 'readonly', (tx) => req(tx.objectStore('meta').get(key)));
}

/**
 * Write one `meta` value.
 * @param {string} key
 * @param {any} value
 * @returns {Promise<void>}
 */
export function setMeta(key, value) {
  return withTx(['meta'], 'readwrite', async (tx) => {
    await req(tx.objectStore('meta').put(value, key));
  });
}

/**
 * Delete one `meta` value.
 * @param {string} key
 * @returns {Promise<void>}
 */
export function deleteMeta(key) {
  return withTx(['meta'], 'readwrite', async (tx) => {
    await req(tx.objectStore('meta').delete(key));
  });
}

/**
 * Read every row of a store.
 * @param {string} store
 * @returns {Promise<any[]>}
 */
export function getAll(store) {
  return withTx([store], 'readonly', (tx) => req(tx.objectStore(store).getAll()));
}

/**
 * Read one row of a store by key.
 * @param {string} store
 * @param {IDBValidKey} key
 * @returns {Promise<any>}
 */
export function getOne(store, key) {
  return withTx([store], 'readonly', (tx) => req(tx.objectStore(store).get(key)));
}

/**
 * Insert or replace one row of a store with an inline key.
 * @param {string} store
 * @param {any} value
 * @returns {Promise<void>}
 */
export function putOne(store, value) {
  return withTx([store], 'readwrite', async (tx) => {
    await req(tx.objectStore(store).put(value));
  });
}

/**
 * Delete one row of a store by key.
 * @param {string} store
 * @param {IDBValidKey} key
 * @returns {Promise<void>}
 */
export function deleteOne(store, key) {
  return withTx([store], 'readwrite', async (tx) => {
    await req(tx.objectStore(store).delete(key));
  });
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
