/**
 * Uploading the outbox to the county: batch after batch over HTTP, under the
 * sync Web Lock that every exchange with the county about the outbox takes.
 * Owns the lock's name and the Background Sync tag; the records, the message
 * and the receipt are outbox/queue.js's, outbox/batch.js's and
 * outbox/receipt.js's.
 */
import { sendEnvelope, readJson } from '../transport/api.js';
import { asRegistered } from '../transport/device.js';
import { notify } from './queue.js';
import { MAX_BATCH, unsentRecords, signedBatch } from './batch.js';
import { applyReceipt } from './receipt.js';
import { deviceStatus } from './heartbeat.js';
import { settleVouchers } from '../points/wallet.js';

export const FLUSH_LOCK = 'xuedian-outbox-flush';
export const SYNC_TAG = 'xuedian-outbox';
// Small batches go plain so a phone with one record pays no compression cost.
const GZIP_OVER_BYTES = 4096;

/**
 * Run `fn` holding the sync Web Lock, so two syncs (two tabs, or a tab and the
 * service worker) never overlap; if another holds it, resolve at once with `busy`.
 * Everything that talks to the county about the outbox runs under it.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {T} busy
 * @returns {Promise<T>}
 */
export async function withSyncLock(fn, busy) {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks?.request) {
    return locks.request(FLUSH_LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : busy));
  }
  // Without Web Locks (old WebView) only this realm can be guarded.
  if (locked) return busy;
  locked = true;
  try {
    return await fn();
  } finally {
    locked = false;
  }
}
let locked = false;

async function postBatch(records) {
  const status = await deviceStatus();
  const res = await sendEnvelope('/api/v1/sync/batches', await signedBatch(records, status), { gzipOver: GZIP_OVER_BYTES });
  const receipt = await readJson(res, 'The receipt is not valid JSON.');
  // The county applied the heartbeat's vouchers with the batch: stop sending them.
  await settleVouchers(status.vouchers);
  return receipt;
}

/**
 * Send waiting records to the county, batch by batch, under the sync lock; a
 * caller that finds the lock taken returns at once with `skipped`.
 * @returns {Promise<{skipped?: boolean, sent: number, acknowledged: number, rejected: number}>}
 * @throws {XuedianError} on network failure or a non-2xx answer; nothing is lost
 */
export function flush() {
  return withSyncLock(flushLocked, { skipped: true, sent: 0, acknowledged: 0, rejected: 0 });
}

/**
 * The flush itself; call only holding the sync lock (withSyncLock).
 * @returns {Promise<{sent: number, acknowledged: number, rejected: number}>}
 * @throws {XuedianError} on network failure or a non-2xx answer; nothing is lost
 */
export async function flushLocked() {
  const totals = { sent: 0, acknowledged: 0, rejected: 0 };
  for (;;) {
    const records = await unsentRecords(MAX_BATCH);
    if (records.length === 0) break;
    const receipt = await asRegistered(() => postBatch(records));
    const applied = await applyReceipt(receipt, records.map((r) => r.id));
    totals.sent += records.length;
    totals.acknowledged += applied.done;
    totals.rejected += applied.rejected;
    notify();
    // A receipt that settles nothing would make us resend the same batch forever.
    if (records.length < MAX_BATCH || applied.done + applied.rejected === 0) break;
  }
  return totals;
}
