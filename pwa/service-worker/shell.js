/**
 * The precached app shell. Owns the Workbox precache: index.html, hashed
 * assets, the web manifest, icons and the trusted signing keys. The keys'
 * revision comes from /sw-keys.js, so a key change re-precaches them.
 */
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

// The app routes by hash, so its only pages are / and /index.html, with any query
// (/?point=…, /?source=pwa). Every other path (staff pages, the volunteer upload page, the
// API, blobs) is the server's: a navigation there must reach the network.
const APP_PAGES = [/^\/(index\.html)?(\?.*)?$/];

/**
 * Precache the shell and route it. Call after importScripts('/sw-keys.js').
 * @returns {void}
 */
export function setupShell() {
  precacheAndRoute(
    [
      ...self.__WB_MANIFEST,
      { url: '/trusted-keys.json', revision: String(self.XUEDIAN_KEYS_REVISION || 'none') },
    ],
    { ignoreURLParametersMatching: [/^utm_/, /^source$/] },
  );
  cleanupOutdatedCaches();
}

/**
 * Answer the app's own navigations with the precached index.html, so a reload works
 * offline on any hash route; leave every other navigation to the network.
 * @returns {void}
 */
export function setupNavigation() {
  registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { allowlist: APP_PAGES }));
}
