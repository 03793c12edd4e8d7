/**
 * The phone's pack storage. Owns the Cache Storage cache `xuedian-blobs`:
 * verified, content-addressed blobs keyed by `/blobs/<sha256>`, each stored
 * byte for byte as the manifest lists it (gzip blobs stay compressed). Files are
 * never stored twice: readFile() cuts them out of their blobs on demand.
 *
 * Activation writes the `packs` row (lib/storage/db.js) in one IndexedDB transaction,
 * only once every blob of the manifest is present; until then the old version
 * stays readable. Garbage collection removes blobs that no installed pack and
 * no `downloads` row references.
 *
 * Shared by the page, the service worker and the import worker: no `window`.
 */
import { withTx, isQuotaError } from '../storage/db.js';
import { XuedianError } from '../errors.js';

export const BLOB_CACHE = 'xuedian-blobs';
/** Web Lock that writers of not-yet-referenced blobs hold shared; GC takes it exclusively. */
export const BLOB_LOCK = 'xuedian-blob-writers';

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The cache key (and server URL) of one blob.
 * @param {string} id sha256 hex of the stored bytes
 * @returns {string}
 */
export function blobUrl(id) {
  return `/blobs/${id}`;
}

/** @type {Promise<Cache> | null} */
let cachePromise = null;
function blobCache() {
  if (!cachePromise) cachePromise = caches.open(BLOB_CACHE).catch((err) => {
    cachePromise = null;
    throw err;
  });
  return cachePromise;
}

/**
 * @param {string} id
 * @returns {Promise<boolean>} whether the blob is stored
 */
export async function hasBlob(id) {
  return Boolean(await (await blobCache()).match(blobUrl(id)));
}

/**
 * Store a blob. The caller has verified its sha256 and size.
 * @param {string} id sha256 hex of the bytes
 * @param {Blob | ReadableStream | ArrayBuffer | Uint8Array} body
 * @returns {Promise<void>}
 * @throws {XuedianError} `storage-full` when the browser refuses the bytes
 */
export async function putBlob(id, body) {
  if (!HEX64.test(id)) throw new XuedianError('validation-failed', 'Not a blob id.', { details: { id } });
  const headers = { 'Content-Type': 'application/octet-stream' };
  const size = body instanceof Blob ? body.size : body instanceof ArrayBuffer || ArrayBuffer.isView(body) ? body.byteLength : null;
  if (size !== null) headers['Content-Length'] = String(size);
  try {
    await (await blobCache()).put(blobUrl(id), new Response(/** @type {BodyInit} */ (body), { headers }));
  } catch (err) {
    if (isQuotaError(err)) throw new XuedianError('storage-full', 'Storage is full.', { cause: err });
    throw err;
  }
}

/**
 * @param {string} id
 * @returns {Promise<void>}
 */
export async function deleteBlob(id) {
  await (await blobCache()).delete(blobUrl(id));
}

/**
 * The blobs of a manifest that are not stored yet: what a download or import
 * still has to fetch. An update therefore re-uses every blob it shares with the
 * installed version.
 * @param {{blobs: {id: string, size: number}[]}} manifest
 * @returns {Promise<any[]>} entries of `manifest.blobs`
 */
export async function missingBlobs(manifest) {
  const cache = await blobCache();
  const stored = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  return manifest.blobs.filter((b) => !stored.has(blobUrl(b.id)));
}

/**
 * Check a verified manifest's shape: the signature vouches for the publisher,
 * not for sane paths or slices, so refuse traversal and dangling blob ids.
 * @param {any} manifest the verified `signed` manifest
 * @returns {void}
 * @throws {XuedianError} `validation-failed`
 */
export function validateManifest(manifest) {
  if (!manifest || typeof manifest.pack_id !== 'string' || !Number.isInteger(manifest.version)
    || !Array.isArray(manifest.files) || !Array.isArray(manifest.blobs) || !Array.isArray(manifest.lessons)) {
    throw new XuedianError('validation-failed', 'The manifest lacks id, version, files, blobs or lessons.');
  }
  const blobs = new Map();
  for (const b of manifest.blobs) {
    if (!b || !HEX64.test(b.id) || !Number.isInteger(b.size) || b.size < 0 || !['gzip', 'identity'].includes(b.codec)) {
      throw new XuedianError('validation-failed', 'Bad blob entry in manifest.', { details: { id: b?.id } });
    }
    blobs.set(b.id, b);
  }
  for (const f of manifest.files) {
    if (typeof f?.path !== 'string' || !f.path || f.path.startsWith('/') || f.path.includes('\\')
      || f.path.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) {
      throw new XuedianError('validation-failed', 'Unsafe file path in manifest.', { details: { path: f?.path } });
    }
    for (const s of f.blobs || []) {
      const b = blobs.get(s.id);
      const raw = b ? (b.codec === 'identity' ? b.size : b.raw_size) : -1;
      if (!b || !(s.offset >= 0) || !(s.length >= 0) || (Number.isInteger(raw) && s.offset + s.length > raw)) {
        throw new XuedianError('validation-failed', 'A file slice lies outside its blob.', { details: { path: f.path } });
      }
    }
  }
}

/**
 * Make a verified manifest the active version of its pack, in one step.
 * A `downloads` row for this pack at this version or older is dropped in the
 * same transaction (its work is done). Then collects garbage, so the old
 * version's blobs go.
 * @param {{signature: string}} envelope the signed envelope the manifest came from
 * @param {any} manifest the verified `signed` manifest
 * @returns {Promise<{pack_id: string, version: number, manifest: any, signature: string, installed_at: string}>}
 * @throws {XuedianError} `pack-downgrade` when a newer version is active,
 *   `pack-incomplete` when a blob is missing, `validation-failed`
 */
export async function activatePack(envelope, manifest) {
  validateManifest(manifest);
  const missing = await missingBlobs(manifest);
  if (missing.length) {
    throw new XuedianError('pack-incomplete', 'Some blobs of this pack are not stored.', {
      details: { missing: missing.map((b) => b.id) },
    });
  }
  const row = {
    pack_id: manifest.pack_id,
    version: manifest.version,
    manifest,
    signature: envelope?.signature,
    installed_at: new Date().toISOString(),
  };
  await withTx(['packs', 'downloads'], 'readwrite', async (tx) => {
    const packs = tx.objectStore('packs');
    const current = await packs.get(row.pack_id);
    if (current && current.version > row.version) {
      throw new XuedianError('pack-downgrade', 'A newer version is installed.', {
        details: { installed: current.version, offered: row.version },
      });
    }
    await packs.put(row);
    const downloads = tx.objectStore('downloads');
    const job = await downloads.get(row.pack_id);
    if (job && job.version <= row.version) await downloads.delete(row.pack_id);
  });
  await collectGarbage().catch(() => 0);
  return row;
}

async function referencedBlobs() {
  return withTx(['packs', 'downloads'], 'readonly', async (tx) => {
    const packs = await tx.objectStore('packs').getAll();
    const downloads = await tx.objectStore('downloads').getAll();
    const ids = new Set();
    for (const r of [...packs, ...downloads]) for (const b of r.manifest?.blobs || []) ids.add(b.id);
    return ids;
  });
}

/**
 * Delete every blob that no installed pack and no `downloads` row references.
 * Skipped (returns 0) while anyone holds BLOB_LOCK shared, i.e. is writing
 * blobs its rows do not reference yet; the next collection catches up.
 * @returns {Promise<number>} how many blobs were deleted
 */
export async function collectGarbage() {
  const sweep = async () => {
    const keep = await referencedBlobs();
    const cache = await blobCache();
    let n = 0;
    for (const key of await cache.keys()) {
      const id = new URL(key.url).pathname.replace(/^\/blobs\//, '');
      if (!keep.has(id) && (await cache.delete(key))) n += 1;
    }
    return n;
  };
  if (typeof navigator === 'undefined' || !navigator.locks) return sweep();
  return navigator.locks.request(BLOB_LOCK, { mode: 'exclusive', ifAvailable: true }, (lock) => (lock ? sweep() : 0));
}

/**
 * Run `fn` while GC leaves blobs alone: for writers (the archive importer)
 * whose blobs no row references until activatePack. Call activatePack after
 * `fn` returns, so its garbage collection is not skipped.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export function holdBlobs(fn) {
  if (typeof navigator === 'undefined' || !navigator.locks) return fn();
  return navigator.locks.request(BLOB_LOCK, { mode: 'shared' }, fn);
}

/**
 * Content-Type for a manifest mime; pack text is UTF-8, so say so.
 * @param {string | undefined} mime
 * @returns {string}
 */
export function contentType(mime) {
  if (!mime) return 'application/octet-stream';
  return /^text\//.test(mime) && !/charset=/i.test(mime) ? `${mime}; charset=utf-8` : mime;
}

/** Bytes [offset, offset + length) of a stream, read chunk by chunk; stops early. */
async function streamSlice(stream, offset, length) {
  const reader = stream.getReader();
  const out = new Uint8Array(length);
  let pos = 0;
  let filled = 0;
  while (filled < length) {
    const { done, value } = await reader.read();
    if (done) break;
    const from = Math.max(offset - pos, 0);
    const to = Math.min(offset + length - pos, value.byteLength);
    if (to > from) {
      out.set(value.subarray(from, to), filled);
      filled += to - from;
    }
    pos += value.byteLength;
  }
  reader.cancel().catch(() => {});
  return filled === length ? out : null;
}

/**
 * One installed file, assembled from its blob slices (gzip blobs are
 * gunzipped). A file that is one whole identity blob streams straight from the
 * cache. Used by the page and by the service worker's /content/ route.
 * @param {{manifest: any}} row a `packs` row (or any object with a verified manifest)
 * @param {string} path a `files[].path`
 * @returns {Promise<Response | null>} null when the file is unknown or a blob is missing
 */
export async function readFile(row, path) {
  const manifest = row?.manifest;
  const file = manifest?.files?.find((f) => f.path === path);
  if (!file) return null;
  const blobs = new Map(manifest.blobs.map((b) => [b.id, b]));
  const headers = { 'Content-Type': contentType(file.mime), 'Content-Length': String(file.size) };
  const slices = file.blobs || [];
  const cache = await blobCache();

  const only = slices.length === 1 ? slices[0] : null;
  const whole = only && blobs.get(only.id)?.codec === 'identity' && only.offset === 0 && only.length === file.size
    && blobs.get(only.id)?.size === file.size;
  if (whole) {
    const res = await cache.match(blobUrl(only.id));
    // A Blob from Cache Storage is a handle to the stored bytes, not a copy in JS memory.
    return res ? new Response(await res.blob(), { headers }) : null;
  }

  const parts = [];
  for (const s of slices) {
    const blob = blobs.get(s.id);
    const res = blob && (await cache.match(blobUrl(s.id)));
    if (!res) return null;
    if (blob.codec === 'gzip') {
      const part = await streamSlice(res.body.pipeThrough(new DecompressionStream('gzip')), s.offset, s.length);
      if (!part) return null;
      parts.push(part);
    } else {
      // A Blob slice, not a copy: media files never pass through JS memory.
      parts.push((await res.blob()).slice(s.offset, s.offset + s.length));
    }
  }
  const body = new Blob(parts, { type: headers['Content-Type'] });
  if (body.size !== file.size) return null;
  return new Response(body, { headers });
}

/**
 * Delete an installed pack from the phone: its `packs` row and any download of
 * it go in one transaction, then every blob no other pack uses. Learning
 * records and progress stay. The catalog then offers the pack for download again.
 * @param {string} packId
 * @returns {Promise<number>} how many blobs were deleted (0 if collection was deferred)
 */
export async function removePack(packId) {
  await withTx(['packs', 'downloads'], 'readwrite', async (tx) => {
    await tx.objectStore('packs').delete(packId);
    await tx.objectStore('downloads').delete(packId);
  });
  return collectGarbage();
}
