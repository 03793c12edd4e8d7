/**
 * An event's check-in address: `<public url>/?checkin=<token>`, the QR code the
 * county prints for each event (docs/credits.md, "Events on site"). Owns
 * nothing; it reads the token's body, which the phone needs offline (the event,
 * its course, title, credit hours and time window), and its signed envelope, which
 * the check-in screen verifies offline against the county's trusted keys; the county
 * checks it again when the attendance arrives.
 */
import { base64urlDecode } from './base64url.js';
import { ownAppSearch } from './site-link.js';

const TOKEN = /^[A-Za-z0-9_-]{10,800}\.[A-Za-z0-9_-]{86}$/;

/**
 * @typedef {{token: string, event: number, pack: string, title: string, hours: number, nb: number, na: number, envelope: {signed: object, signature: string}}} Checkin
 */

/**
 * The check-in a token names, or null when it is not a check-in token.
 * @param {string} token
 * @returns {Checkin | null}
 */
export function readCheckin(token) {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(base64urlDecode(token.split('.')[0])));
  } catch {
    return null;
  }
  const whole = (n) => Number.isInteger(n) && n > 0;
  if (!body || body.type !== 'checkin' || !whole(body.e) || !whole(body.nb) || !whole(body.na)) return null;
  if (typeof body.p !== 'string' || typeof body.t !== 'string') return null;
  const hours = typeof body.h === 'number' && body.h > 0 ? body.h : 0;
  const envelope = { signed: body, signature: token.split('.')[1] };
  return { token, event: body.e, pack: body.p, title: body.t, hours, nb: body.nb, na: body.na, envelope };
}

/**
 * The token a `?checkin=` query carries, or null.
 * @param {string} search a `location.search`
 * @returns {string | null}
 */
export function checkinFromSearch(search) {
  const token = new URLSearchParams(search).get('checkin');
  return token && readCheckin(token) ? token : null;
}

/**
 * The token a scanned text carries, when it is a check-in address of this
 * app's own origin (site-link.js ownAppSearch).
 * @param {string} text
 * @param {string} origin this app's `location.origin`
 * @returns {string | null}
 */
export function checkinFromScan(text, origin) {
  const search = ownAppSearch(text, origin);
  return search === null ? null : checkinFromSearch(search);
}
