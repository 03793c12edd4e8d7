/**
 * Installed content packs. Owns the `packs` store (one row per pack: the active
 * version and its verified manifest) and the Cache Storage cache
 * `xuedian-content`, where files live at /content/<pack>/<version>/<path>.
 *
 * Install is all-or-nothing: every file is verified and stored first, and
 * only then is the `packs` row written, which is the one step that activates
 * the new version.
 */
import { request, errorFromResponse } from './api.js';
import { verifyEnvelope } from './verify.js';
import { sha256Hex } from './base64url.js';
import { getAll, getOne, putOne, isQuotaError } from './db.js';
import { XuedianError } from './errors.js';

export const CONTENT_CACHE = 'xuedian-content';

/**
 * The cache URL of one pack file.
 * @param {string} packId
 * @param {number} version
 * @param {string} path a `files[].path`
 * @returns {string}
 */
export function contentUrl(packId, version, path) {
  const safe = path.split('/').map(encodeURIComponent).join('/');
  return `/content/${encodeURIComponent(packId)}/${version}/${safe}`;
}

/** @returns {Promise<any[]>} every installed pack row */
export function installedPacks() {
  return getAll('packs');
}

/**
 * @param {string} packId
 * @returns {Promise<any | undefined>} the installed pack row
 */
export function installedPack(packId) {
  return getOne('packs', packId);
}

function checkManifest(manifest, entry) {
  if (manifest.pack_id !== entry.pack_id || manifest.version !== entry.version) {
    throw new XuedianError('pack-mismatch', 'The manifest does not match the catalog.', {
      details: { pack_id: manifest.pack_id, version: manifest.version },
    });
  }
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.blobs) || !Array.isArray(manifest.lessons)) {
    throw new XuedianError('validation-failed', 'The manifest lacks files, blobs or lessons.');
  }
  for (const f of manifest.files) {
    // The signature vouches for the publisher, not for sane paths; refuse traversal anyway.
    if (typeof f.path !== 'string' || !f.path || f.path.startsWith('/') || f.path.includes('\\')
      || f.path.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) {
      throw new XuedianError('validation-failed', 'Unsafe file path in manifest.', { details: { path: f.path } });
    }
  }
}

/** Fetch a manifest envelope, checking its exact bytes against the signed catalog's hash. */
async function fetchManifest(url, expectedSha256) {
  const res = await request(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await errorFromResponse(res);
  const bytes = await res.arrayBuffer();
  if (expectedSha256 && (await sha256Hex(bytes)) !== expectedSha256) {
    throw new XuedianError('manifest-hash-mismatch', 'The manifest does not match the catalog hash.');
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new XuedianError('body-not-json', 'The manifest is not valid JSON.', { cause: err });
  }
}

async function fetchBlob(blob) {
  const res = await request(`/blobs/${blob.id}`);
  if (!res.ok) throw await errorFromResponse(res);
  const stored = await res.arrayBuffer();
  if (stored.byteLength !== blob.size || (await sha256Hex(stored)) !== blob.id) {
    throw new XuedianError('blob-hash-mismatch', 'A downloaded blob does not match its hash.', { details: { id: blob.id } });
  }
  let raw = stored;
  if (blob.codec === 'gzip') {
    const stream = new Blob([stored]).stream().pipeThrough(new DecompressionStream('gzip'));
    raw = await new Response(stream).arrayBuffer();
  } else if (blob.codec !== 'identity') {
    throw new XuedianError('validation-failed', `Unknown blob codec ${blob.codec}.`);
  }
  if (typeof blob.raw_size === 'number' && raw.byteLength !== blob.raw_size) {
    throw new XuedianError('blob-hash-mismatch', 'A decoded blob has the wrong size.', { details: { id: blob.id } });
  }
  return new Uint8Array(raw);
}

/**
 * Download, verify and activate one catalog entry.
 * @param {{pack_id: string, version: number, manifest_url?: string}} entry from the verified catalog
 * @param {(done: number, total: number) => void} [onProgress] stored bytes fetched so far
 * @returns {Promise<any>} the new `packs` row
 * @throws {XuedianError} signature, hash, network or `storage-full` errors; nothing is activated
 */
export async function installPack(entry, onProgress = () => {}) {
  const current = await installedPack(entry.pack_id);
  if (current && current.version > entry.version) {
    throw new XuedianError('pack-downgrade', 'A newer version is installed.');
  }
  if (current && current.version === entry.version) return current;

  const url = entry.manifest_url || `/api/v1/packs/${encodeURIComponent(entry.pack_id)}/${entry.version}/manifest`;
  const envelope = await fetchManifest(url, entry.manifest_sha256);
  const manifest = await verifyEnvelope(envelope, 'manifest');
  checkManifest(manifest, entry);

  const blobsById = new Map(manifest.blobs.map((b) => [b.id, b]));
  // Reference counts let each decoded blob be dropped as soon as its last file is cut.
  const refs = new Map();
  for (const f of manifest.files) {
    for (const s of f.blobs || []) {
      if (!blobsById.has(s.id)) throw new XuedianError('validation-failed', 'A file names an unknown blob.');
      refs.set(s.id, (refs.get(s.id) || 0) + 1);
    }
  }
  const total = [...refs.keys()].reduce((sum, id) => sum + blobsById.get(id).size, 0);
  let done = 0;
  onProgress(done, total);

  const cache = await caches.open(CONTENT_CACHE);
  const decoded = new Map();
  const written = [];
  try {
    for (const f of manifest.files) {
      const parts = [];
      for (const s of f.blobs || []) {
        if (!decoded.has(s.id)) {
          const blob = blobsById.get(s.id);
          decoded.set(s.id, await fetchBlob(blob));
          done += blob.size;
          onProgress(done, total);
        }
        const data = decoded.get(s.id);
        if (s.offset < 0 || s.offset + s.length > data.length) {
          throw new XuedianError('validation-failed', 'A file slice lies outside its blob.');
        }
        parts.push(data.subarray(s.offset, s.offset + s.length));
        const left = refs.get(s.id) - 1;
        refs.set(s.id, left);
        if (left === 0) decoded.delete(s.id);
      }
      const bytes = await new Blob(parts).arrayBuffer();
      if (bytes.byteLength !== f.size || (await sha256Hex(bytes)) !== f.sha256) {
        throw new XuedianError('file-hash-mismatch', 'A pack file does not match its hash.', { details: { path: f.path } });
      }
      const key = contentUrl(manifest.pack_id, manifest.version, f.path);
      await cache.put(key, new Response(bytes, {
        headers: { 'Content-Type': contentType(f.mime), 'Content-Length': String(bytes.byteLength) },
      }));
      written.push(key);
    }
    const row = {
      pack_id: manifest.pack_id,
      version: manifest.version,
      manifest,
      signature: envelope.signature,
      installed_at: new Date().toISOString(),
    };
    await putOne('packs', row);
    if (current) await dropVersion(cache, current.pack_id, current.version);
    return row;
  } catch (err) {
    // The half-written version was never active; remove it so it cannot pile up.
    await Promise.all(written.map((key) => cache.delete(key).catch(() => false)));
    if (isQuotaError(err)) throw new XuedianError('storage-full', 'Storage is full.', { cause: err });
    throw err;
  }
}

// Pack text is UTF-8; say so, or a browser opening the file directly may guess wrong.
function contentType(mime) {
  if (!mime) return 'application/octet-stream';
  return /^text\//.test(mime) && !/charset=/i.test(mime) ? `${mime}; charset=utf-8` : mime;
}

async function dropVersion(cache, packId, version) {
  const prefix = `/content/${encodeURIComponent(packId)}/${version}/`;
  for (const req of await cache.keys()) {
    if (new URL(req.url).pathname.startsWith(prefix)) await cache.delete(req);
  }
}

/**
 * The text of one installed file (lesson HTML), straight from Cache Storage so
 * it works before the service worker controls the page.
 * @param {any} row an installed pack row
 * @param {string} path
 * @returns {Promise<string | null>}
 */
export async function readPackText(row, path) {
  const cache = await caches.open(CONTENT_CACHE);
  const res = await cache.match(contentUrl(row.pack_id, row.version, path));
  return res ? res.text() : null;
}

/**
 * Ask the browser to keep our storage under pressure, once.
 * @returns {Promise<boolean | null>} the answer, or null where unsupported
 */
export async function askPersistence() {
  if (!navigator.storage?.persist) return null;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}
