/**
 * The vouchers this redemption phone made offline. Owns `meta` `vouchers`: a list of
 * {voucher_id, learner, points, time, envelope}, where `envelope` is the signed voucher
 * until a batch or changes request carrying it was accepted (then null: kept only for the
 * day's cap, dropped after two days). The heartbeat (outbox/heartbeat.js) sends every
 * voucher still holding its envelope, and the senders settle them once answered.
 */
import { getMeta, withTx } from '../storage/db.js';

const KEY = 'vouchers';
/** Most vouchers one heartbeat may carry (the county's MAX_VOUCHERS). */
export const MAX_CARRIED = 200;
const KEEP_MS = 2 * 24 * 3600 * 1000;

async function update(fn) {
  return withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const now = Date.now();
    const kept = ((await meta.get(KEY)) || []).filter((v) => v.envelope || now - Date.parse(v.time) < KEEP_MS);
    const next = fn(kept);
    await meta.put(next, KEY);
    return next;
  });
}

/**
 * The phone's vouchers, sent or not (for the day's cap).
 * @returns {Promise<{voucher_id: string, learner: string, points: number, time: string, envelope: object | null}[]>}
 */
export async function voucherLog() {
  return (await getMeta(KEY)) || [];
}

/**
 * Keep a signed voucher until the county has it.
 * @param {{signed: {voucher_id: string, learner: string, points: number, time: string}, signature: string}} envelope
 * @returns {Promise<void>}
 */
export async function keepVoucher(envelope) {
  const { voucher_id, learner, points, time } = envelope.signed;
  await update((log) => [...log, { voucher_id, learner, points, time, envelope }]);
}

/**
 * The signed vouchers a heartbeat should carry now, oldest first.
 * @returns {Promise<object[]>}
 */
export async function carriedVouchers() {
  return (await voucherLog()).filter((v) => v.envelope).slice(0, MAX_CARRIED).map((v) => v.envelope);
}

/**
 * The county accepted a batch or request whose heartbeat carried `envelopes`: stop sending them.
 * @param {object[] | undefined} envelopes
 * @returns {Promise<void>}
 */
export async function settleVouchers(envelopes) {
  const done = new Set((envelopes || []).map((e) => e?.signed?.voucher_id));
  if (!done.size) return;
  await update((log) => log.map((v) => (done.has(v.voucher_id) ? { ...v, envelope: null } : v)));
}
