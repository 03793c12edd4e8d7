/**
 * The pack download manager: persistent, resumable, delta-only. Owns the
 * IndexedDB `downloads` store (one row per pack being fetched: {pack_id,
 * version, envelope, manifest, state, done, total, error}) and the in-memory
 * progress of the downloads this page runs.
 *
 * A download fetches only the blobs the blob store lacks, in 64 KB Range
 * requests, at most two at a time; every byte received is kept in the
 * `chunks` store (lib/packs/chunks.js), even from a request cut mid-body, so a
 * dropped link or a closed app re-fetches almost nothing. The new version is
 * activated in one step once every blob is verified and stored.
 */
import { verifyEnvelope } from './verify.js';
import { fetchManifest, installedPack, askPersistence } from './packs.js';
import { validateManifest, missingBlobs, activatePack, collectGarbage } from './blobstore.js';
import { storedRanges, missingPieces, finalizeBlob, dropChunks, dropChunksExcept } from './chunks.js';
import { fetchRange, CHUNK_SIZE } from './range-fetch.js';
import { withTx, req, getAll, getOne, isQuotaError } from '../storage/db.js';
import { XuedianError, errorCode } from '../errors.js';

export { CHUNK_SIZE };
const PARALLEL = 2;
const BACKOFF_MAX_MS = 30_000;
/** Keep this share of the free space free: estimates are rough and the outbox needs room. */
const STORAGE_MARGIN = 0.1;

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
const statuses = new Map();
/** @type {Set<(s: DownloadStatus) => void>} */
const listeners = new Set();
/** @type {Map<string, {controller: AbortController, promise: Promise<void>}>} */
const active = new Map();
/** @type {Map<string, Promise<any>>} */
const prepared = new Map();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('xuedian-downloads') : null;
let lastPost = 0;

function emit(status, { broadcast = true } = {}) {
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

function statusOf(row, patch = {}) {
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
      await req(tx.objectStore('downloads').put(row));
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
function updateRow(id, patch) {
  return withTx(['downloads'], 'readwrite', async (tx) => {
    const store = tx.objectStore('downloads');
    const row = await req(store.get(id));
    if (!row) return null;
    Object.assign(row, patch);
    await req(store.put(row));
    return row;
  });
}

/**
 * Pause a download: in-flight requests are aborted, every byte already
 * received is kept, and no further request is made until resume().
 * @param {string} packId
 * @returns {Promise<void>}
 */
export async function pause(packId) {
  const done = statuses.get(packId)?.done;
  const row = await updateRow(packId, { state: 'paused', error: null, ...(done ? { done } : {}) });
  channel?.postMessage({ cmd: 'pause', pack_id: packId });
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
  await withTx(['downloads'], 'readwrite', (tx) => req(tx.objectStore('downloads').delete(packId)));
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

/** Remove chunks and blobs no download or installed pack needs any more. */
async function cleanUp() {
  const rows = await getAll('downloads');
  await dropChunksExcept(new Set(rows.flatMap((r) => r.manifest.blobs.map((b) => b.id))));
  await collectGarbage();
}

/**
 * Run a pack's download once per page and once across tabs: a second tab
 * queues on the Web Lock and takes over when the first one closes.
 */
function run(packId) {
  const existing = active.get(packId);
  if (existing) return existing.promise;
  const controller = new AbortController();
  const drive = () => driveDownload(packId, controller.signal);
  const locked = navigator.locks
    ? navigator.locks.request(`xuedian-download:${packId}`, { signal: controller.signal }, drive)
    : drive();
  const promise = Promise.resolve(locked).catch(() => {}).finally(() => active.delete(packId));
  active.set(packId, { controller, promise });
  return promise;
}

/** Wait `ms`, or until the browser says it is online, or until aborted. */
function waitForNetwork(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      globalThis.removeEventListener('online', done);
      signal.removeEventListener('abort', done);
      resolve(undefined);
    };
    const timer = setTimeout(done, ms);
    globalThis.addEventListener('online', done);
    signal.addEventListener('abort', done);
  });
}

function isTransient(err) {
  if (err instanceof XuedianError) return err.code === 'network-offline' || err.status >= 500 || err.status === 429 || err.status === 408;
  return err instanceof TypeError;
}

async function driveDownload(packId, signal) {
  let delay = 1000;
  for (;;) {
    const row = await getOne('downloads', packId);
    if (!row || row.state !== 'running' || signal.aborted) return;
    const progress = { made: false };
    try {
      await fetchAll(row, signal, progress);
      await finish(row);
      return;
    } catch (err) {
      if (signal.aborted) return;
      if (isTransient(err)) {
        emit({ ...(statuses.get(packId) || statusOf(row)), state: 'waiting' });
        if (progress.made) delay = 1000;
        await waitForNetwork(delay, signal);
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
        continue;
      }
      const code = errorCode(err);
      // A full disk is not the download's fault: pause it so it can go on after a clean-up.
      const state = code === 'storage-full' ? 'paused' : 'failed';
      const done = statuses.get(packId)?.done ?? row.done;
      const next = await updateRow(packId, { state, error: code, done }).catch(() => null);
      if (next) emit(statusOf(next, { done }));
      return;
    }
  }
}

/** Fetch and store every missing blob of a download row. */
async function fetchAll(row, outer, progress) {
  const id = row.pack_id;
  for (let pass = 0; ; pass += 1) {
    const missing = await missingBlobs(row.manifest);
    if (!missing.length) return;
    const tasks = [];
    const left = new Map();
    let remaining = 0;
    const ready = [];
    for (const blob of missing) {
      const pieces = missingPieces(await storedRanges(blob.id), blob.size, CHUNK_SIZE);
      for (const [a, b] of pieces) tasks.push({ blob, start: a, end: b });
      remaining += pieces.reduce((n, [a, b]) => n + b - a, 0);
      left.set(blob.id, pieces.length);
      if (!pieces.length) ready.push(blob);
    }
    const before = statuses.get(id);
    let done = Math.max(before?.version === row.version ? before.done : 0, row.done || 0, row.total - remaining);
    let shown = 0;
    const report = (n) => {
      done = Math.min(row.total, done + n);
      if (n > 0) progress.made = true;
      // A slow link delivers bytes in small pieces; a few updates a second are plenty.
      const now = Date.now();
      if (n === 0 || now - shown >= 200) {
        shown = now;
        emit(statusOf(row, { state: 'running', done }));
      }
    };
    report(0);
    for (const blob of ready) await finalizeBlob(blob);

    // After one request fails, the other finishes its own range (those bytes are paid
    // for already) but starts no new one; the retry waits for both, so attempts never race.
    let stopping = false;
    const whole = new Set();
    const worker = async () => {
      for (let task = tasks.shift(); task && !stopping; task = tasks.shift()) {
        if (outer.aborted) throw new DOMException('Aborted', 'AbortError');
        if (!whole.has(task.blob.id)) {
          const full = await fetchRange(task, outer, report);
          if (full) whole.add(task.blob.id);
        }
        const n = left.get(task.blob.id) - 1;
        left.set(task.blob.id, n);
        if (n === 0) await finalizeBlob(task.blob);
      }
    };
    const results = await Promise.allSettled(Array.from({ length: PARALLEL }, () => worker().catch((err) => {
      stopping = true;
      throw err;
    })));
    const failure = results.find((r) => r.status === 'rejected' && r.reason?.name !== 'AbortError')
      || results.find((r) => r.status === 'rejected');
    if (failure) throw /** @type {PromiseRejectedResult} */ (failure).reason;
    // A gap left by a short answer: plan again, but do not spin on a server that keeps failing.
    if (pass >= 3) throw new XuedianError('internal-error', 'The server keeps sending short answers.');
  }
}

/** Activate a completed download, clean up, and ask for persistent storage. */
async function finish(row) {
  const installed = await activatePack(row.envelope, row.manifest);
  for (const b of row.manifest.blobs) await dropChunks(b.id).catch(() => {});
  await cleanUp().catch(() => {});
  let persisted = null;
  try {
    // Persistence is asked once there is something worth keeping; granted once, it stays.
    persisted = await askPersistence();
  } catch {
    // Not granted is not an error; the catalog tells the user.
  }
  emit(statusOf({ ...row, state: 'installed', done: row.total, error: null }, { version: installed.version, persisted }));
}
