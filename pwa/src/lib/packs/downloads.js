/**
 * The pack download manager: persistent, resumable, delta-only. Owns the
 * IndexedDB `downloads` store (one row per pack being fetched: {pack_id,
 * version, envelope, manifest, state, done, total, error}) and the verified
 * manifests this page prepared; live progress is packs/download-status.js's
 * and running a download packs/download-run.js's.
 *
 * A download fetches only the blobs the blob store lacks, in 64 KB Range
 * requests, at most two at a time; every byte received is kept in the
 * `chunks` store (lib/packs/chunks.js), even from a request cut mid-body, so a
 * dropped link or a closed app re-fetches almost nothing. The new version is
 * activated in one step once every blob is verified and stored.
 */
import { verifyEnvelope } from './verify.js';
import { fetchManifest, installedPack } from './packs.js';
import { validateManifest, missingBlobs } from './blobstore.js';
import { dropChunksExcept } from './chunks.js';
import { statuses, active, emit, statusOf, broadcastPause } from './download-status.js';
import { run, updateRow, cleanUp } from './download-run.js';
import { withTx, getAll, getOne, isQuotaError } from '../storage/db.js';
import { XuedianError } from '../errors.js';

export { CHUNK_SIZE } from './range-fetch.js';
export { subscribe } from './download-status.js';

/** @typedef {import('./download-status.js').DownloadStatus} DownloadStatus */
/** Keep this share of the free space free: estimates are rough and the outbox needs room. */
const STORAGE_MARGIN = 0.1;

/** @type {Map<string, Promise<any>>} */
const prepared = new Map();

/**
 * Every download known to this page, from its rows and live progress.
 * @returns {Promise<DownloadStatus[]>}
 */
export async function listDownloads() {
  const rows = await getAll('downloads');
  return rows.map((row) => {
    const live = statuses.get(row.pack_id);
    return live && live.version === row.version ? live : statusOf(row);
  });
}

/**
 * Fetch, hash-check and verify a catalog entry's manifest, and work out what
 * it still needs. Cached per version, so the catalog's size query and the
 * download share one fetch.
 * @param {{pack_id: string, version: number, manifest_url?: string, manifest_sha256?: string}} entry
 * @returns {Promise<{envelope: any, manifest: any, missing: any[], needed: number}>}
 */
export async function prepare(entry) {
  const key = `${entry.pack_id}@${entry.version}`;
  if (!prepared.has(key)) {
    const p = (async () => {
      const envelope = await fetchManifest(entry);
      const manifest = await verifyEnvelope(envelope, 'manifest');
      if (manifest.pack_id !== entry.pack_id || manifest.version !== entry.version) {
        throw new XuedianError('pack-mismatch', 'The manifest does not match the catalog.', {
          details: { pack_id: manifest.pack_id, version: manifest.version },
        });
      }
      validateManifest(manifest);
      return { envelope, manifest };
    })();
    prepared.set(key, p);
    p.catch(() => prepared.delete(key));
  }
  const { envelope, manifest } = await prepared.get(key);
  const missing = await missingBlobs(manifest);
  return { envelope, manifest, missing, needed: missing.reduce((n, b) => n + b.size, 0) };
}

/**
 * Bytes a download of `entry` would fetch now: for an update, only what the
 * installed version lacks.
 * @param {any} entry a verified catalog entry
 * @returns {Promise<number>}
 */
export async function neededBytes(entry) {
  return (await prepare(entry)).needed;
}

/**
 * Refuse a download the phone has no room for.
 * @param {number} needed
 * @throws {XuedianError} `storage-full` with details {needed, free}
 */
async function checkSpace(needed) {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  if (!estimate?.quota) return;
  const free = Math.max(0, estimate.quota - (estimate.usage || 0));
  if (needed > free * (1 - STORAGE_MARGIN)) {
    throw new XuedianError('storage-full', 'Not enough storage for this pack.', { details: { needed, free } });
  }
}

function storageFull(err) {
  return isQuotaError(err) ? new XuedianError('storage-full', 'Storage is full.', { cause: err }) : err;
}

/**
 * Start downloading a catalog entry (or continue one already under way).
 * Resolves once the download is recorded; it then runs in the background and
 * reports through subscribe().
 * @param {any} entry an entry of the verified catalog
 * @returns {Promise<void>}
 * @throws {XuedianError} refusals: `pack-downgrade`, `storage-full` (details
 *   {needed, free}), signature, hash and network errors; nothing is stored then
 */
export async function start(entry) {
  const id = entry.pack_id;
  const current = await installedPack(id);
  if (current && current.version > entry.version) {
    throw new XuedianError('pack-downgrade', 'A newer version is installed.');
  }
  const existing = await getOne('downloads', id);
  if (existing && existing.version > entry.version) {
    throw new XuedianError('pack-downgrade', 'A newer version is being downloaded.');
  }
  if (existing && existing.version === entry.version) {
    if (existing.state === 'running') {
      run(id);
      return;
    }
    return resume(id);
  }

  const { envelope, manifest, needed } = await prepare(entry);
  if (current && current.version === entry.version && needed === 0) return;
  await checkSpace(needed);
  if (existing) {
    // An older version's download gives way: stop it before its row is replaced.
    const job = active.get(id);
    job?.controller.abort();
    await job?.promise;
  }
  const row = { pack_id: id, version: manifest.version, envelope, manifest, state: 'running', done: 0, total: needed, error: null };
  try {
    await withTx(['downloads'], 'readwrite', async (tx) => {
      await tx.objectStore('downloads').put(row);
    });
  } catch (err) {
    throw storageFull(err);
  }
  // A replaced older download leaves chunks of blobs this version does not use.
  if (existing) await dropChunksExcept(new Set(manifest.blobs.map((b) => b.id))).catch(() => {});
  emit(statusOf(row));
  run(id);
}

/** Change a row's state in one transaction; returns the new row, or null if it is gone. */
/**
 * Pause a download: in-flight requests are aborted, every byte already
 * received is kept, and no further request is made until resume().
 * @param {string} packId
 * @returns {Promise<void>}
 */
export async function pause(packId) {
  const done = statuses.get(packId)?.done;
  const row = await updateRow(packId, { state: 'paused', error: null, ...(done ? { done } : {}) });
  broadcastPause(packId);
  const job = active.get(packId);
  job?.controller.abort();
  await job?.promise.catch(() => {});
  if (row) emit(statusOf(row, { done: done ?? row.done }));
}

/**
 * Continue a paused, failed or interrupted download.
 * @param {string} packId
 * @returns {Promise<void>}
 */
export async function resume(packId) {
  const job = active.get(packId);
  if (job && !job.controller.signal.aborted) return;
  // A pause still winding down would otherwise swallow this run.
  await job?.promise;
  const row = await updateRow(packId, { state: 'running', error: null });
  if (!row) return;
  emit(statusOf(row, { done: statuses.get(packId)?.done ?? row.done }));
  run(packId);
}

/**
 * Drop a download and the bytes it fetched; the installed version (if any) stays.
 * @param {string} packId
 * @returns {Promise<void>}
 */
export async function cancel(packId) {
  const job = active.get(packId);
  job?.controller.abort();
  await job?.promise.catch(() => {});
  const row = await getOne('downloads', packId);
  if (!row) return;
  await withTx(['downloads'], 'readwrite', (tx) => tx.objectStore('downloads').delete(packId));
  await cleanUp();
  emit(statusOf(row, { state: 'removed' }));
}

/**
 * Continue every download left `running` (the app was closed mid-download).
 * @returns {Promise<DownloadStatus[]>} every known download
 */
export async function resumeAll() {
  const rows = await getAll('downloads');
  for (const row of rows) {
    if (!statuses.has(row.pack_id)) statuses.set(row.pack_id, statusOf(row));
    if (row.state === 'running') run(row.pack_id);
  }
  return listDownloads();
}
