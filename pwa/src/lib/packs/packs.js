/**
 * Installed content packs, read side. Owns nothing itself: the `packs` store
 * (one row per pack: the active version and its verified manifest) is written
 * only by blobstore.activatePack, and the bytes live in the `xuedian-blobs`
 * cache (lib/packs/blobstore.js). Downloads are lib/packs/downloads.js, loaded lazily.
 */
import { getAll, getOne } from '../storage/db.js';
import { readFile, missingBlobs } from './blobstore.js';
import { request, errorFromResponse } from '../transport/api.js';
import { sha256Hex } from '../base64url.js';
import { XuedianError } from '../errors.js';

/**
 * The URL of one pack file; the service worker answers it from the blob store.
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

/**
 * Whether an installed pack has all its blobs. Packs installed by app
 * version 1 (before the blob store) do not, and must be downloaded again.
 * @param {any} row
 * @returns {Promise<boolean>}
 */
export async function isComplete(row) {
  return (await missingBlobs(row.manifest)).length === 0;
}

/**
 * The text of one installed file (lesson HTML), read straight from the blob
 * store so it works before the service worker controls the page.
 * @param {any} row an installed pack row
 * @param {string} path
 * @returns {Promise<string | null>}
 */
export async function readPackText(row, path) {
  const res = await readFile(row, path);
  return res ? res.text() : null;
}

/**
 * Fetch a manifest envelope, checking its exact bytes against the signed
 * catalog's hash before parsing.
 * @param {{pack_id: string, version: number, manifest_url?: string, manifest_sha256?: string}} entry
 * @returns {Promise<any>} the (still unverified) envelope
 * @throws {XuedianError} `manifest-hash-mismatch`, `body-not-json` or a network error
 */
export async function fetchManifest(entry) {
  const url = entry.manifest_url || `/api/v1/packs/${encodeURIComponent(entry.pack_id)}/${entry.version}/manifest`;
  const res = await request(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await errorFromResponse(res);
  const bytes = await res.arrayBuffer();
  if (entry.manifest_sha256 && (await sha256Hex(bytes)) !== entry.manifest_sha256) {
    throw new XuedianError('manifest-hash-mismatch', 'The manifest does not match the catalog hash.');
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new XuedianError('body-not-json', 'The manifest is not valid JSON.', { cause: err });
  }
}

/** @type {Promise<typeof import('./downloads.js')> | null} */
let managerPromise = null;

/**
 * The download manager, fetched on first use so screens that only read stay small.
 * @returns {Promise<typeof import('./downloads.js')>}
 */
export function downloadManager() {
  if (!managerPromise) {
    managerPromise = import('./downloads.js').catch((err) => {
      managerPromise = null;
      throw err;
    });
  }
  return managerPromise;
}

/**
 * Continue downloads left running when the app was closed. Every screen calls
 * this on start; the manager is fetched only if there is something to do.
 * @returns {Promise<void>}
 */
export async function resumeDownloads() {
  const rows = await getAll('downloads').catch(() => []);
  if (rows.some((r) => r.state === 'running')) await (await downloadManager()).resumeAll();
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
