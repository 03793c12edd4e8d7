/**
 * This phone's learning point. Owns `meta.enrolment`:
 * `{point, name, name_en, token, pending, refused}` where
 * - `point`, `name`, `name_en`: where the county says the phone is enrolled
 *   (null: unenrolled), and `token` that point's enrolment token, if this
 *   phone holds it (sent in every heartbeat, so a county restored from a
 *   backup enrols it again);
 * - `pending`: `{point, token}` of a point's QR address the phone was opened
 *   with (`/?point=CODE&t=TOKEN`) that the county has not yet answered;
 * - `refused`: the code of the last QR address the county did not accept.
 *
 * Only the county decides: a token is its signature (docs/protocol.md), so
 * the phone just carries it, in the registration (lib/transport/device.js) and the
 * heartbeat (outbox/heartbeat.js). Shared with the service worker: no `window`.
 */
import { getMeta, setMeta } from '../storage/db.js';
import { changeSignal } from '../signal.js';

export const POINT_PATTERN = /^[A-Za-z0-9-]{1,32}$/;
export const TOKEN_PATTERN = /^[A-Za-z0-9-]{1,40}\.[A-Za-z0-9_-]{86}$/;
const CHANNEL = 'xuedian-enrolment';

/**
 * @typedef {object} Enrolment
 * @property {string | null} point
 * @property {string | null} name
 * @property {string | null} name_en
 * @property {string | null} token
 * @property {{point: string, token: string} | null} pending
 * @property {string | null} refused
 */

/** @type {Enrolment} */
const EMPTY = { point: null, name: null, name_en: null, token: null, pending: null, refused: null };

const changed = changeSignal(CHANNEL, 'enrolment-changed');

/**
 * Call `fn` whenever the learning point changes (here, in another tab or the worker).
 * @param {() => void} fn
 * @returns {() => void} unsubscribe
 */
export function onEnrolmentChange(fn) {
  return changed.listen(fn);
}

async function save(next) {
  await setMeta('enrolment', next);
  changed.notify();
  return next;
}

/** @returns {Promise<Enrolment>} what the phone knows of its learning point */
export async function getEnrolment() {
  const stored = await getMeta('enrolment').catch(() => null);
  return stored && typeof stored === 'object' ? { ...EMPTY, ...stored } : { ...EMPTY };
}

/**
 * The point code and token in a QR address's query (`?point=CODE&t=TOKEN`).
 * @param {string} search `location.search`, or a whole address
 * @returns {{point: string, token: string} | null}
 */
export function readEnrolLink(search) {
  let params;
  try {
    params = search.includes('://') ? new URL(search).searchParams : new URLSearchParams(search);
  } catch {
    return null;
  }
  const point = params.get('point');
  const token = params.get('t');
  if (!point || !token || !POINT_PATTERN.test(point) || !TOKEN_PATTERN.test(token)) return null;
  return { point, token };
}

/**
 * Remember a point's QR address the phone was opened with, until the county answers.
 * @param {{point: string, token: string}} link from readEnrolLink()
 * @returns {Promise<Enrolment>}
 */
export async function askToEnrol(link) {
  const now = await getEnrolment();
  if (now.point === link.point && now.token === link.token && !now.pending) return now;
  return save({ ...now, pending: link, refused: null });
}

/**
 * What the registration and the heartbeat carry: the asked-for point, else the one held.
 * @param {Enrolment} [known]
 * @returns {Promise<{point?: string, enrolment?: string}>}
 */
export async function enrolmentClaim(known) {
  const e = known || (await getEnrolment());
  if (e.pending) return { point: e.pending.point, enrolment: e.pending.token };
  if (e.point && e.token) return { point: e.point, enrolment: e.token };
  return {};
}

const wirePoint = (p) => (p && typeof p.code === 'string' && POINT_PATTERN.test(p.code) ? p : null);

function placed(e, p) {
  if (!p) return { ...e, point: null, name: null, name_en: null, token: null };
  const same = p.code === e.point;
  const name = typeof p.name === 'string' ? p.name : p.code;
  return { ...e, point: p.code, name, name_en: typeof p.name_en === 'string' ? p.name_en : name, token: same ? e.token : null };
}

/**
 * Take the county's answer to a registration that carried `sent`.
 * @param {{point?: string, enrolment?: string}} sent what enrolmentClaim() gave
 * @param {any} answered the answer's `point` ({code, name, name_en} or null)
 * @returns {Promise<Enrolment>}
 */
export async function applyRegistration(sent, answered) {
  const e = await getEnrolment();
  const p = wirePoint(answered);
  if (e.pending && sent.enrolment === e.pending.token) {
    if (p && p.code === e.pending.point) {
      return save({ ...placed({ ...e, point: p.code, token: e.pending.token }, p), pending: null, refused: null });
    }
    // Not the county's token (or a point since removed): the phone stays where it was.
    return save({ ...placed(e, p), pending: null, refused: e.pending.point });
  }
  return e.pending ? e : save(keepToken(e, p));
}

/** A county that lost the phone's point (restored from a backup) gets the token again. */
function keepToken(e, p) {
  if (!p && e.point && e.token) return e;
  return placed(e, p);
}

/**
 * Take the point a changes-feed answer names. Ignored while a QR address
 * waits for its registration's answer, which alone decides.
 * @param {any} answered
 * @returns {Promise<void>}
 */
export async function applyFeedPoint(answered) {
  const e = await getEnrolment();
  if (e.pending) return;
  const next = keepToken(e, wirePoint(answered));
  if (next.point !== e.point || next.name !== e.name || next.name_en !== e.name_en || next.token !== e.token) {
    await save(next);
  }
}
