/**
 * Installing a pack from an archive file, all or nothing. Owns nothing past
 * one call: the bytes go to the blob store (lib/packs/blobstore.js), the activation
 * is blobstore.activatePack, and on any failure every blob this import added
 * is deleted again, so an installed version stays exactly as it was.
 *
 * Order: readVerifiedArchive checks the archive's layout, verifies the
 * manifest (first entry) against the trusted keys and its listing before a
 * single blob byte is used; each blob then streams through its sha256 into the
 * cache, never held whole in memory, and a blob whose hash is wrong is refused
 * before the cache commits it.
 */
import { readVerifiedArchive } from './archive-reader.js';
import { getAll, isQuotaError } from '../lib/storage/db.js';
import { XuedianError } from '../lib/errors.js';
import {
  putBlob, deleteBlob, missingBlobs, validateManifest, activatePack, holdBlobs, collectGarbage,
} from '../lib/packs/blobstore.js';

// Enough for the cache's reader to keep the disk busy; small enough to stay flat.
const QUEUED_BYTES = 256 * 1024;
const PACK_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * A ReadableStream handed to putBlob, written with backpressure: write()
 * waits while the stream holds QUEUED_BYTES the cache has not taken yet.
 * @param {string} id
 */
function blobWriter(id) {
  let controller;
  let wake = () => {};
  let failed = null;
  const stream = new ReadableStream({
    start(c) {
      controller = c;
    },
    pull() {
      wake();
    },
    cancel(reason) {
      failed = failed || reason || new Error('The blob store stopped reading.');
      wake();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }));
  const stored = putBlob(id, stream);
  stored.catch((err) => {
    failed = failed || err;
    wake();
  });
  return {
    /** @param {Uint8Array} bytes */
    async write(bytes) {
      if (failed) throw failed;
      controller.enqueue(bytes);
      while (controller.desiredSize <= 0 && !failed) {
        await new Promise((resolve) => {
          wake = resolve;
        });
      }
      if (failed) throw failed;
    },
    /** Finish the stream and wait until the cache has committed it. */
    async close() {
      controller.close();
      await stored;
    },
    /** Error the stream, so the cache never commits the entry. */
    async abort(err) {
      try {
        controller.error(err);
      } catch {
        // Already closed or errored.
      }
      await stored.catch(() => {});
    },
  };
}

/** Check a verified manifest beyond its shape; errors become archive errors. */
function checkManifest(manifest) {
  if (typeof manifest.pack_id !== 'string' || !PACK_ID.test(manifest.pack_id)
    || !Number.isInteger(manifest.version) || manifest.version < 1) {
    throw new XuedianError('pack-archive-invalid', 'The manifest has no valid pack id or version.', {
      details: { pack_id: String(manifest.pack_id).slice(0, 100), version: manifest.version },
    });
  }
  try {
    validateManifest(manifest);
  } catch (err) {
    if (err?.code !== 'validation-failed') throw err;
    // A signed manifest with a traversing path is unsafe; one lacking parts is damaged.
    const code = err.details?.path === undefined ? 'pack-archive-invalid' : 'pack-archive-unsafe';
    throw new XuedianError(code, err.message, { details: err.details, cause: err });
  }
  if (manifest.blobs.length >= 20_000 || new Set(manifest.blobs.map((b) => b.id)).size !== manifest.blobs.length) {
    throw new XuedianError('pack-archive-invalid', 'The manifest lists too many or repeated blobs.');
  }
}

/**
 * @typedef {{stored: number, reused: number}} ImportStats
 * @typedef {{pack_id: string, version: number, manifest: any, signature: string, installed_at: string}} PackRow
 */

/**
 * Import one archive file and activate its pack.
 * @param {Blob} file
 * @param {{keys: Map<string, any>, installed: Record<string, number>,
 *   onProgress?: (done: number, total: number) => void}} options
 *   keys: trustedKeys() from the page; installed: pack_id → active version
 * @returns {Promise<{row: PackRow, stats: ImportStats}>}
 * @throws {XuedianError} archive, signature, hash, downgrade or `storage-full`
 *   errors; nothing is then left behind
 */
export async function importArchive(file, { keys, installed, onProgress }) {
  const added = new Set();
  const stats = { stored: 0, reused: 0 };
  let writer = null;
  try {
    // Held shared while blobs no row references yet exist, so no GC sweeps them.
    const row = await holdBlobs(async () => {
      let envelope = null;
      let manifest = null;
      let need = new Set();
      for await (const event of readVerifiedArchive(file, keys, onProgress)) {
        if (event.type === 'manifest') {
          envelope = event.envelope;
          manifest = event.manifest;
          checkManifest(manifest);
          const have = installed?.[manifest.pack_id] ?? 0;
          need = new Set((await missingBlobs(manifest)).map((b) => b.id));
          if (have > manifest.version) {
            throw new XuedianError('pack-downgrade', 'A newer version is installed.', {
              details: { installed: have, offered: manifest.version },
            });
          }
          // The same version with blobs missing (installed by app v1) may be repaired.
          if (have === manifest.version && need.size === 0) {
            throw new XuedianError('pack-already-installed', 'This version is installed already.', {
              details: { pack_id: manifest.pack_id, version: have },
            });
          }
        } else if (event.type === 'blob') {
          if (need.has(event.id)) {
            added.add(event.id);
            writer = blobWriter(event.id);
          } else {
            stats.reused += 1; // a delta: the blob is in the store already
          }
        } else if (event.type === 'data') {
          if (writer) await writer.write(event.bytes);
        } else if (event.type === 'end' && writer) {
          // The reader checked the size and hash before this event.
          await writer.close();
          writer = null;
          need.delete(event.id);
          stats.stored += 1;
        }
      }
      if (!manifest) throw new XuedianError('pack-archive-invalid', 'The archive holds no manifest.');
      const missing = await missingBlobs(manifest);
      if (missing.length) {
        throw new XuedianError('pack-archive-invalid', 'The archive lacks blobs its manifest lists.', {
          details: { missing: missing.length, first: missing[0].id },
        });
      }
      // Still inside the hold: activation's own GC is skipped, ours follows.
      return activatePack(envelope, manifest);
    });
    await collectGarbage().catch(() => 0);
    return { row, stats };
  } catch (err) {
    if (writer) await writer.abort(err);
    await rollBack(added);
    throw asImportError(err);
  }
}

/**
 * Delete the blobs an import added, except any that an installed pack or a
 * download (in another tab, meanwhile) has come to reference.
 * @param {Set<string>} added
 */
async function rollBack(added) {
  if (!added.size) return;
  const rows = await Promise.all([getAll('packs'), getAll('downloads')]).catch(() => [[], []]);
  const kept = new Set(rows.flat().flatMap((r) => (r.manifest?.blobs || []).map((b) => b.id)));
  await Promise.all([...added].filter((id) => !kept.has(id)).map((id) => deleteBlob(id).catch(() => {})));
}

/**
 * The error to show for anything thrown while importing.
 * @param {unknown} err
 * @returns {XuedianError}
 */
export function asImportError(err) {
  if (isQuotaError(err) || (err instanceof XuedianError && err.code === 'storage-full')) {
    return new XuedianError('storage-full', 'Storage is full.', { cause: err });
  }
  if (err instanceof XuedianError) {
    if (err.code === 'pack-incomplete') return new XuedianError('pack-archive-invalid', err.message, { details: err.details });
    return err;
  }
  // NotReadableError and friends: the file moved, or the SD card was taken out.
  const name = /** @type {{name?: string}} */ (err)?.name;
  return new XuedianError('pack-import-failed', String(/** @type {any} */ (err)?.message || err), { details: { name } });
}
