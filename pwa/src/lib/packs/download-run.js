/**
 * Running one pack download: fetch the blobs the blob store lacks in Range
 * requests, at most two at a time, retry on a lost network with backoff, and
 * activate the version once every blob is verified and stored. Owns nothing
 * beyond the `downloads` row state it sets; bytes go to the `chunks` store
 * (packs/chunks.js) as they arrive, so a dropped link re-fetches almost nothing.
 */
import { askPersistence } from './packs.js';
import { missingBlobs, activatePack, collectGarbage } from './blobstore.js';
import { storedRanges, missingPieces, finalizeBlob, dropChunks, dropChunksExcept } from './chunks.js';
import { fetchRange, CHUNK_SIZE } from './range-fetch.js';
import { statuses, active, emit, statusOf } from './download-status.js';
import { withTx, getAll, getOne } from '../storage/db.js';
import { XuedianError, errorCode } from '../errors.js';

const PARALLEL = 2;
const BACKOFF_MAX_MS = 30_000;

/**
 * Change a row's state in one transaction.
 * @param {string} id
 * @param {object} patch
 * @returns {Promise<any | null>} the new row, or null if it is gone
 */
export function updateRow(id, patch) {
  return withTx(['downloads'], 'readwrite', async (tx) => {
    const store = tx.objectStore('downloads');
    const row = await store.get(id);
    if (!row) return null;
    Object.assign(row, patch);
    await store.put(row);
    return row;
  });
}

/**
 * Remove chunks and blobs no download or installed pack needs any more.
 * @returns {Promise<void>}
 */
export async function cleanUp() {
  const rows = await getAll('downloads');
  await dropChunksExcept(new Set(rows.flatMap((r) => r.manifest.blobs.map((b) => b.id))));
  await collectGarbage();
}

/**
 * Run a pack's download once per page and once across tabs: a second tab
 * queues on the Web Lock and takes over when the first one closes.
 * @param {string} packId
 * @returns {Promise<void>}
 */
export function run(packId) {
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
