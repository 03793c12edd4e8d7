/**
 * Bytes of blobs still being downloaded. Owns the IndexedDB `chunks` store:
 * out-of-line key [blob_id, start], value an ArrayBuffer of the bytes from
 * `start`. Chunks may overlap (a server that ignores Range resends from 0);
 * readers take whichever covers a position.
 *
 * Once a blob's chunks cover it, finalizeBlob() hashes them one at a time while
 * streaming them into the blob store, so a blob never sits whole in JS memory.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { withTx, isQuotaError } from '../storage/db.js';
import { putBlob, deleteBlob } from './blobstore.js';
import { toHex } from '../base64url.js';
import { XuedianError } from '../errors.js';

const STORE = 'chunks';
const ofBlob = (id) => IDBKeyRange.bound([id, 0], [id, Infinity]);

/**
 * The byte ranges of a blob already stored, merged and sorted.
 * @param {string} id
 * @returns {Promise<[number, number][]>} half-open [start, end) ranges
 */
export async function storedRanges(id) {
  const ranges = [];
  await withTx([STORE], 'readonly', async (tx) => {
    for (let c = await tx.objectStore(STORE).openCursor(ofBlob(id)); c; c = await c.continue()) {
      ranges.push([c.key[1], c.key[1] + c.value.byteLength]);
    }
  });
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [s, e] of ranges) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/**
 * The parts of [0, size) not covered by `ranges`, cut into pieces of at most `piece` bytes.
 * @param {[number, number][]} ranges merged, sorted
 * @param {number} size
 * @param {number} piece
 * @returns {[number, number][]}
 */
export function missingPieces(ranges, size, piece) {
  const out = [];
  let pos = 0;
  for (const [s, e] of [...ranges, [size, size]]) {
    for (let a = pos; a < Math.min(s, size); a += piece) out.push([a, Math.min(a + piece, s, size)]);
    pos = Math.max(pos, e);
  }
  return out;
}

/**
 * Store bytes of a blob received from `start`.
 * @param {string} id
 * @param {number} start
 * @param {Uint8Array} bytes
 * @returns {Promise<void>}
 * @throws {XuedianError} `storage-full`
 */
export async function putChunk(id, start, bytes) {
  const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  try {
    await withTx([STORE], 'readwrite', async (tx) => {
      const store = tx.objectStore(STORE);
      // Keep the longer of two chunks at the same start (a resent prefix must not shrink one).
      const old = await store.get([id, start]);
      if (!old || old.byteLength < copy.byteLength) await store.put(copy, [id, start]);
    });
  } catch (err) {
    if (isQuotaError(err)) throw new XuedianError('storage-full', 'Storage is full.', { cause: err });
    throw err;
  }
}

/**
 * Forget every stored chunk of a blob.
 * @param {string} id
 * @returns {Promise<void>}
 */
export function dropChunks(id) {
  return withTx([STORE], 'readwrite', async (tx) => {
    await tx.objectStore(STORE).delete(ofBlob(id));
  });
}

/**
 * Forget chunks of blobs not in `keep` (left by a cancelled or replaced download).
 * @param {Set<string>} keep blob ids still being downloaded
 * @returns {Promise<void>}
 */
export function dropChunksExcept(keep) {
  return withTx([STORE], 'readwrite', async (tx) => {
    const store = tx.objectStore(STORE);
    const keys = await store.getAllKeys();
    const gone = new Set(keys.map((k) => k[0]).filter((id) => !keep.has(id)));
    for (const id of gone) await store.delete(ofBlob(id));
  });
}

/** The chunk that covers byte `pos` of a blob, or null. */
function chunkAt(id, pos) {
  return withTx([STORE], 'readonly', async (tx) => {
    const range = IDBKeyRange.bound([id, 0], [id, pos]);
    for (let c = await tx.objectStore(STORE).openCursor(range, 'prev'); c; c = await c.continue()) {
      if (c.key[1] + c.value.byteLength > pos) return { start: c.key[1], data: c.value };
    }
    return null;
  });
}

/**
 * Verify a blob's chunks against its id and size and move them into the blob
 * store. Chunks are read and hashed one at a time while the cache consumes the
 * stream; a mismatch errors the stream, so nothing is stored.
 * @param {{id: string, size: number}} blob a manifest blob entry
 * @returns {Promise<boolean>} false when a gap remains (fetch more and retry)
 * @throws {XuedianError} `blob-hash-mismatch` (its chunks are dropped), `storage-full`
 */
export async function finalizeBlob(blob) {
  const hash = sha256.create();
  let pos = 0;
  /** @type {'gap' | 'mismatch' | null} */
  let verdict = null;
  const stream = new ReadableStream({
    async pull(ctrl) {
      try {
        if (pos >= blob.size) {
          if (toHex(hash.digest()) === blob.id) return ctrl.close();
          verdict = 'mismatch';
          return ctrl.error(new Error('blob-hash-mismatch'));
        }
        const chunk = await chunkAt(blob.id, pos);
        if (!chunk) {
          verdict = 'gap';
          return ctrl.error(new Error('gap'));
        }
        const end = Math.min(chunk.start + chunk.data.byteLength, blob.size);
        const bytes = new Uint8Array(chunk.data, pos - chunk.start, end - pos);
        hash.update(bytes);
        pos = end;
        ctrl.enqueue(bytes);
      } catch (err) {
        ctrl.error(err);
      }
    },
  }, { highWaterMark: 0 });
  try {
    await putBlob(blob.id, stream);
  } catch (err) {
    if (verdict === 'gap') return false;
    await deleteBlob(blob.id).catch(() => {});
    if (verdict === 'mismatch') {
      await dropChunks(blob.id);
      throw new XuedianError('blob-hash-mismatch', 'A downloaded blob does not match its hash.', { details: { id: blob.id } });
    }
    throw err;
  }
  await dropChunks(blob.id);
  return true;
}
