/**
 * The pack catalog. Owns `meta.catalog`: the last catalog envelope whose
 * signature checked out, so the course list still shows offline.
 */
import { apiJson } from '../transport/api.js';
import { verifyEnvelope } from './verify.js';
import { getMeta, setMeta } from '../storage/db.js';

export const CATALOG_URL = '/api/v1/catalog';

/**
 * @typedef {object} CatalogView
 * @property {any} catalog the verified `signed` catalog
 * @property {boolean} fromCache true when the network copy could not be used
 * @property {boolean} expired past `expires`; offline this only warns
 * @property {unknown} [error] why the network copy could not be used
 */

function isExpired(signed) {
  const t = Date.parse(signed?.expires || '');
  return Number.isFinite(t) && t < Date.now();
}

/**
 * Fetch and verify the catalog, falling back to the last verified copy.
 * `cache: 'no-cache'` lets the browser revalidate with If-None-Match, so an
 * unchanged catalog costs one small 304 on a 2G link.
 * @returns {Promise<CatalogView>}
 * @throws {unknown} the network or verification error when no copy is stored
 */
export async function loadCatalog() {
  try {
    const envelope = await apiJson(CATALOG_URL, { cache: 'no-cache' });
    const catalog = await verifyEnvelope(envelope, 'catalog');
    try {
      await setMeta('catalog', envelope);
    } catch {
      // A full disk must not hide a catalog we already have in hand.
    }
    return { catalog, fromCache: false, expired: isExpired(catalog) };
  } catch (error) {
    const cached = await storedCatalog();
    if (!cached) throw error;
    return { catalog: cached, fromCache: true, expired: isExpired(cached), error };
  }
}

/**
 * The last verified catalog, re-verified so a tampered IndexedDB copy is ignored.
 * @returns {Promise<any | null>}
 */
export async function storedCatalog() {
  const envelope = await getMeta('catalog').catch(() => null);
  if (!envelope) return null;
  try {
    return await verifyEnvelope(envelope, 'catalog');
  } catch {
    return null;
  }
}

/**
 * Human size, with KB below one megabyte and GB from one gigabyte.
 * @param {number} bytes
 * @returns {string}
 */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n <= 0) return '0 KB';
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/**
 * What the browser lets this origin store, from navigator.storage.estimate().
 * @returns {Promise<{usage: number, quota: number, free: number} | null>} null where unsupported
 */
export async function storageLeft() {
  const e = await navigator.storage?.estimate?.().catch(() => null);
  if (!e?.quota) return null;
  const usage = e.usage || 0;
  return { usage, quota: e.quota, free: Math.max(0, e.quota - usage) };
}
