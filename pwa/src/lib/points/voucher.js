/**
 * Offline redemption on a volunteer's redemption phone (docs/points.md, "Redeeming
 * offline"): the learner card a scan reads, the signed voucher's body, the phone's own
 * daily cap check, and the catalogue the feed's `redeem` section brings. Pure: owns no
 * data (lib/points/wallet.js keeps the vouchers).
 */
import { CARD_PREFIX } from '../learner/card.js';

export const VOUCHER_TYPE = 'points-voucher';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isText = (v) => typeof v === 'string' && v.length > 0;

/**
 * The learner id a scanned learner card holds, or null for any other code.
 * @param {string} text
 * @returns {string | null}
 */
export function learnerFromCard(text) {
  if (typeof text !== 'string' || !text.startsWith(CARD_PREFIX)) return null;
  const id = text.slice(CARD_PREFIX.length).trim().toLowerCase();
  return UUID.test(id) ? id : null;
}

/**
 * The phone's calendar day of an ISO time (YYYY-MM-DD, local time).
 * @param {string | Date} time
 * @returns {string}
 */
export function localDay(time) {
  const d = new Date(time);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Points this phone redeemed for `learner` on the day of `now`.
 * @param {{learner: string, points: number, time: string}[]} log the phone's vouchers
 * @param {string} learner
 * @param {Date} now
 * @returns {number}
 */
export function redeemedToday(log, learner, now) {
  const today = localDay(now);
  return (log || [])
    .filter((v) => v.learner === learner && localDay(v.time) === today)
    .reduce((sum, v) => sum + v.points, 0);
}

/**
 * Whether one more redemption of `points` for `learner` stays within the daily cap.
 * @param {{learner: string, points: number, time: string}[]} log
 * @param {string} learner
 * @param {number} points
 * @param {number} cap
 * @param {Date} now
 * @returns {{ok: boolean, used: number, left: number}}
 */
export function capCheck(log, learner, points, cap, now) {
  const used = redeemedToday(log, learner, now);
  const left = Math.max(0, cap - used);
  return { ok: points <= left, used, left };
}

/**
 * The `signed` body of a voucher before the phone signs it (transport/device.js `sign`
 * adds `device_id`): a fresh voucher id, the learner, the service and its points now.
 * @param {{learner: string, service: {id: number, points: number}, voucherId: string, now: Date}} p
 * @returns {{type: string, voucher_id: string, learner: string, service: number, points: number, time: string}}
 */
export function voucherBody({ learner, service, voucherId, now }) {
  return { type: VOUCHER_TYPE, voucher_id: voucherId, learner, service: service.id, points: service.points, time: now.toISOString() };
}

/**
 * What the phone keeps of the feed's `redeem` section, or null when it carries none
 * (unchanged since the last).
 * @param {{redeems?: boolean, daily_cap?: number, services?: object[]} | null | undefined} section
 * @returns {{redeems: boolean, daily_cap: number, services: {id: number, name: string, points: number}[]} | null}
 */
export function readRedeem(section) {
  if (!section || typeof section !== 'object') return null;
  const services = section.redeems === true && Array.isArray(section.services)
    ? section.services
      .filter((s) => Number.isSafeInteger(s?.id) && isText(s.name) && Number.isSafeInteger(s.points) && s.points > 0)
      .map((s) => ({ id: s.id, name: s.name, points: s.points }))
    : [];
  const cap = Number.isSafeInteger(section.daily_cap) && section.daily_cap >= 0 ? section.daily_cap : 0;
  return { redeems: section.redeems === true, daily_cap: cap, services };
}
