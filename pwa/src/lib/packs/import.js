/**
 * Importing a pack archive from a file on the phone (SD card, messaging app),
 * page side. Owns nothing: it starts the import worker for one file and relays
 * its answer. The worker verifies, stores and activates (workers/pack-import.js).
 */
import { trustedKeys } from './verify.js';
import { installedPacks } from './packs.js';
import { XuedianError } from '../errors.js';

/**
 * The hashed URL of the worker bundle: build.mjs builds the worker first and
 * defines this name, since esbuild does not follow `new Worker(new URL(...))`.
 * @type {string}
 */
const WORKER_URL = XUEDIAN_IMPORT_WORKER_URL;

/**
 * @typedef {{pack_id: string, version: number, manifest: any, signature: string, installed_at: string}} PackRow
 */

/**
 * Import one `.xdpack` file: verify it, store its blobs and activate it, all
 * or nothing. Works offline.
 * @param {File | Blob} file
 * @param {(done: number, total: number) => void} [onProgress] archive bytes read
 * @returns {Promise<PackRow & {stats: {stored: number, reused: number}}>} the new `packs`
 *   row, with how many blobs were stored and how many were already on the phone
 * @throws {XuedianError} with the worker's code, e.g. `pack-archive-unsafe`,
 *   `pack-signature-invalid`, `blob-hash-mismatch`, `pack-downgrade`, `storage-full`
 */
export async function importPack(file, onProgress = () => {}) {
  const [trusted, rows] = await Promise.all([trustedKeys(), installedPacks()]);
  const installed = Object.fromEntries(rows.map((r) => [r.pack_id, r.version]));
  const worker = new Worker(WORKER_URL, { name: 'xuedian-import' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data?.type === 'progress') onProgress(data.done, data.total);
        else if (data?.type === 'done') resolve({ ...data.row, stats: data.stats });
        else if (data?.type === 'error') reject(new XuedianError(data.code, data.message, { details: data.details }));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new XuedianError('pack-import-failed', event.message || 'The import worker failed.'));
      };
      worker.onmessageerror = () => reject(new XuedianError('pack-import-failed', 'The import worker sent an unreadable message.'));
      worker.postMessage({ file, trusted, installed });
    });
  } finally {
    worker.terminate();
  }
}
