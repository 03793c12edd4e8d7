/**
 * Hash routing. Owns the mapping from `location.hash` to a screen, so a reload
 * (even offline, from the precached index.html) keeps the screen.
 *
 * Routes: `#/` home, `#/catalog`, `#/pack/<pack_id>`, `#/lesson/<pack_id>/<lesson_id>`,
 * `#/quiz/<pack_id>/<lesson_id>`, `#/learning` (my learning), `#/import` (a pack
 * archive from a file), `#/sync` (the sync status and export), `#/route/<pack_id>` (a route
 * pack's map), `#/site/<pack_id>/<site_id>` (a plaque's site), `#/scan[/<pack_id>]` (the scanner),
 * `#/credits` (我的学分: credits and certificates) and `#/verify` (check a certificate).
 * `#/checkin/<token>` (an event's check-in), `#/redeem` (积分兑换, on a redemption phone).
 */

/**
 * @typedef {{name: string, packId?: string, lessonId?: string, siteId?: string, token?: string}} Route
 */

/**
 * Parse a hash into a route; anything unknown shows the home screen.
 * @param {string} hash
 * @returns {Route}
 */
export function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'pack' && parts.length === 2) return { name: 'pack', packId: parts[1] };
  if (parts[0] === 'lesson' && parts.length === 3) return { name: 'lesson', packId: parts[1], lessonId: parts[2] };
  if (parts[0] === 'import' && parts.length === 1) return { name: 'import' };
  if (parts[0] === 'catalog' && parts.length === 1) return { name: 'catalog' };
  if (parts[0] === 'quiz' && parts.length === 3) return { name: 'quiz', packId: parts[1], lessonId: parts[2] };
  if (parts[0] === 'learning' && parts.length === 1) return { name: 'learning' };
  if (parts[0] === 'route' && parts.length === 2) return { name: 'route', packId: parts[1] };
  if (parts[0] === 'site' && parts.length === 3) return { name: 'site', packId: parts[1], siteId: parts[2] };
  if (parts[0] === 'scan' && parts.length <= 2) return { name: 'scan', packId: parts[1] };
  if (parts[0] === 'checkin' && parts.length === 2) return /** @type {any} */ ({ name: 'checkin', token: parts[1] });
  // `#/profiles`, `#/settings` ("More"), `#/inbox`, `#/request` ("I want to learn…"), `#/sync`.
  if (['profiles', 'settings', 'inbox', 'request', 'sync', 'credits', 'verify', 'redeem'].includes(parts[0]) && parts.length === 1) {
    return /** @type {any} */ ({ name: parts[0] });
  }
  return { name: 'home' };
}

/**
 * Build a hash for a route.
 * @param {...string} parts e.g. ('pack', id)
 * @returns {string}
 */
export function href(...parts) {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

/**
 * Where the header's back button leads from a route: the screen it was reached
 * from. The screens the bottom navigation opens have none.
 * @param {Route} route
 * @returns {string | null}
 */
export function parentOf(route) {
  if (route.name === 'lesson' || route.name === 'quiz') return href('pack', /** @type {string} */ (route.packId));
  if (route.name === 'pack') return '#/';
  if (route.name === 'route') return href('pack', /** @type {string} */ (route.packId));
  if (route.name === 'scan') return route.packId ? href('route', route.packId) : '#/';
  if (['import', 'profiles', 'inbox', 'request', 'sync', 'credits', 'verify', 'redeem'].includes(route.name)) return '#/settings';
  return null;
}

/** Lazy screen modules; each default-exports a Preact component. */
export const screens = {
  catalog: () => import('../features/catalog/catalog.js'),
  pack: () => import('../features/pack/pack.js'),
  lesson: () => import('../features/lesson/lesson.js'),
  import: () => import('../features/import/import.js'),
  home: () => import('../features/home/home.js'),
  quiz: () => import('../features/quiz/quiz.js'),
  learning: () => import('../features/learning/learning.js'),
  profiles: () => import('../features/profiles/profiles.js'),
  settings: () => import('../features/settings/settings.js'),
  inbox: () => import('../features/inbox/inbox.js'),
  request: () => import('../features/request/request.js'),
  sync: () => import('../features/sync/sync.js'),
  route: () => import('../features/route/route.js'),
  site: () => import('../features/route/site.js'),
  scan: () => import('../features/route/scan.js'),
  credits: () => import('../features/credits/credits.js'),
  verify: () => import('../features/credits/check.js'),
  checkin: () => import('../features/events/checkin.js'),
  redeem: () => import('../features/redeem/redeem.js'),
};
