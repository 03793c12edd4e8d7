/**
 * A county batch receipt, applied on the phone. Owns nothing beyond what it
 * writes in one transaction: acknowledged records (accepted or duplicate)
 * leave the `outbox`, rejected ones stay with their `quarantine` reason, and
 * `meta.last_synced` is set.
 */
import { withTx } from '../storage/db.js';

/**
 * Apply a receipt to the records that were sent; ids it names that were not
 * sent are ignored.
 * @param {{accepted?: string[], duplicate?: string[], rejected?: {id: string, code?: string, message?: string}[]}} receipt
 * @param {string[]} sentIds
 * @returns {Promise<{done: number, rejected: number}>}
 */
export async function applyReceipt(receipt, sentIds) {
  const sent = new Set(sentIds);
  const done = [...(receipt.accepted || []), ...(receipt.duplicate || [])].filter((id) => sent.has(id));
  const rejected = (receipt.rejected || []).filter((r) => r && sent.has(r.id));
  const now = new Date().toISOString();
  await withTx(['meta', 'outbox'], 'readwrite', async (tx) => {
    const outbox = tx.objectStore('outbox');
    await Promise.all(done.map((id) => outbox.delete(id)));
    for (const r of rejected) {
      const row = await outbox.get(r.id);
      if (row) await outbox.put({ ...row, quarantine: { code: r.code || 'record-invalid', message: r.message || '', at: now } });
    }
    await tx.objectStore('meta').put(now, 'last_synced');
  });
  return { done: done.length, rejected: rejected.length };
}
