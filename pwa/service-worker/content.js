/**
 * Pack content at /content/<pack>/<version>/<path>. Owns a small memo of the
 * installed `packs` rows it has looked up; the bytes come from the blob store
 * (src/lib/packs/blobstore.js readFile). Only the active version is served, and
 * Range requests get a 206 so audio can seek offline.
 */
import { registerRoute } from 'workbox-routing';
import { createPartialResponse } from 'workbox-range-requests/createPartialResponse.js';
import { getOne } from '../src/lib/storage/db.js';
import { readFile } from '../src/lib/packs/blobstore.js';

const PREFIX = '/content/';
/** @type {Map<string, any>} `${pack}/${version}` → installed row; a version's manifest never changes */
const rows = new Map();

function notFound() {
  return new Response('Not in the installed packs', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function activeRow(packId, version, fresh) {
  const key = `${packId}/${version}`;
  if (!fresh && rows.has(key)) return rows.get(key);
  const row = await getOne('packs', packId);
  rows.delete(key);
  if (!row || row.version !== version) return null;
  rows.set(key, row);
  return row;
}

/**
 * Answer one /content/ request from the blob store.
 * @param {{request: Request, url: URL}} options
 * @returns {Promise<Response>}
 */
export async function handleContent({ request, url }) {
  const parts = url.pathname.slice(PREFIX.length).split('/');
  if (parts.length < 3) return notFound();
  let packId;
  let path;
  try {
    packId = decodeURIComponent(parts[0]);
    path = parts.slice(2).map(decodeURIComponent).join('/');
  } catch {
    return notFound();
  }
  const version = Number(parts[1]);
  if (!Number.isInteger(version)) return notFound();
  let res = null;
  for (const fresh of [false, true]) {
    // A memoised row may be stale after an update; look again before giving up.
    const row = await activeRow(packId, version, fresh);
    res = row && (await readFile(row, path));
    if (res || !row) break;
  }
  if (!res) return notFound();
  if (request.headers.has('range')) return createPartialResponse(request, res);
  return res;
}

/**
 * Route /content/ to the blob store; a miss is a plain 404 rather than a
 * network fetch, because the server has no /content/ URLs.
 * @returns {void}
 */
export function setupContentRoute() {
  registerRoute(
    ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith(PREFIX),
    async (options) => {
      try {
        return await handleContent(/** @type {any} */ (options));
      } catch {
        return notFound();
      }
    },
  );
}
