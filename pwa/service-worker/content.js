/**
 * Pack content at /content/<pack>/<version>/<path>. Owns nothing: the page
 * writes the `xuedian-content` cache when it installs a pack (lib/packs.js);
 * here it is only read, with Range support so audio can seek offline.
 */
import { registerRoute } from 'workbox-routing';
import { CacheOnly } from 'workbox-strategies';
import { RangeRequestsPlugin } from 'workbox-range-requests';
import { CONTENT_CACHE } from '../src/lib/packs.js';

const strategy = new CacheOnly({ cacheName: CONTENT_CACHE, plugins: [new RangeRequestsPlugin()] });

/**
 * Route /content/ to the content cache; a miss is a plain 404 rather than a
 * network fetch, because the server has no /content/ URLs.
 * @returns {void}
 */
export function setupContentRoute() {
  registerRoute(
    ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/content/'),
    async (options) => {
      try {
        return await strategy.handle(options);
      } catch {
        return new Response('Not in the content cache', { status: 404, headers: { 'Content-Type': 'text/plain' } });
      }
    },
  );
}
