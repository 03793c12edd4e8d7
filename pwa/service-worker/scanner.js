/**
 * The QR scanner's decoder (its JS chunk and its wasm), cached on first use
 * rather than at install: build.mjs leaves it out of the precache because
 * most learners never scan. Owns the `xuedian-scanner` cache. The names carry
 * a content hash, so a cached copy never goes stale; an older build's copies
 * are dropped when a new one is stored.
 */
import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';

export const SCANNER_CACHE = 'xuedian-scanner';
const SCANNER_FILES = /^\/assets\/(qr-decoder-[A-Z0-9]{8}\.js|zxing_reader-[A-Z0-9]{8}\.wasm)$/;

/** Keep only this build's decoder files once a new one is cached. */
const dropOlder = {
  cacheDidUpdate: async ({ cacheName, request }) => {
    const cache = await caches.open(cacheName);
    const kind = new URL(request.url).pathname.split('-')[0];
    for (const old of await cache.keys()) {
      const path = new URL(old.url).pathname;
      if (path.startsWith(kind) && old.url !== request.url) await cache.delete(old);
    }
  },
};

/**
 * Route the decoder's files through a cache-first strategy.
 * @returns {void}
 */
export function setupScannerRoute() {
  registerRoute(
    ({ url, sameOrigin }) => sameOrigin && SCANNER_FILES.test(url.pathname),
    new CacheFirst({ cacheName: SCANNER_CACHE, plugins: [new CacheableResponsePlugin({ statuses: [200] }), dropOlder] }),
  );
}
