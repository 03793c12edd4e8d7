/**
 * The precached app shell. Owns the Workbox precache: index.html, hashed
 * assets, the web manifest, icons and the trusted signing keys. The keys'
 * revision comes from /sw-keys.js, so a key change re-precaches them.
 */
import { precacheAndRoute, cleanupOutdatedCaches, createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

// Server-rendered or API paths: a navigation there must reach the network.
const NOT_SHELL = [/^\/api\//, /^\/blobs\//, /^\/content\//, /^\/admin(\/|$)/];

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
 * Answer every app navigation with the precached index.html, so a reload works
 * offline on any hash route. Register after the routes it must not shadow.
 * @returns {void}
 */
export function setupNavigation() {
  registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: NOT_SHELL }));
}
