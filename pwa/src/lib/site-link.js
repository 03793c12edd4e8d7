/**
 * A route site's plaque address: `<public url>/?site=<pack_id>/<site_id>`. Owns
 * nothing; it reads the address a plaque's QR code (or the scanner) gives.
 *
 * The query form, not a hash, because a phone's camera app and WeChat keep a
 * query reliably, and the service worker answers `/?…` navigations offline
 * (service-worker/shell.js APP_PAGES), so the plaque opens with no network.
 */

const PART = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The pack and site a `?site=` query names, or null.
 * @param {string} search a `location.search`
 * @returns {{packId: string, siteId: string} | null}
 */
export function siteFromSearch(search) {
  const value = new URLSearchParams(search).get('site');
  if (!value) return null;
  const [packId, siteId, ...rest] = value.split('/');
  if (rest.length || !PART.test(packId || '') || !PART.test(siteId || '')) return null;
  return { packId, siteId };
}

/**
 * The query of a scanned text when it is an address of this app's own start page
 * (another site's QR code is not followed): plaques and event check-ins use it.
 * @param {string} text
 * @param {string} origin this app's `location.origin`
 * @returns {string | null}
 */
export function ownAppSearch(text, origin) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.origin !== origin || !/^\/(index\.html)?$/.test(url.pathname)) return null;
  return url.search;
}

/**
 * The pack and site a scanned text names, when it is a plaque address of this
 * app's own origin.
 * @param {string} text
 * @param {string} origin this app's `location.origin`
 * @returns {{packId: string, siteId: string} | null}
 */
export function siteFromScan(text, origin) {
  const search = ownAppSearch(text, origin);
  return search === null ? null : siteFromSearch(search);
}
