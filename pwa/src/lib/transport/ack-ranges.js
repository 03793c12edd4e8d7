/**
 * County acknowledgements on the phone. Owns nothing: it checks the ranges an
 * ack carries and deletes, inside the caller's transaction, exactly the outbox
 * records whose device_seq they cover. Both the changes feed (lib/transport/feed.js) and
 * a signed .xdack file (lib/transport/ack.js) go through here.
 */
import { XuedianError } from '../errors.js';

/** Most ranges one ack may list (the county sends at most this many). */
export const MAX_RANGES = 1000;

/**
 * The ranges of an ack, checked: inclusive [first, last] pairs of positive
 * integers, sorted and apart. Anything else is refused, so a malformed ack
 * never deletes a record.
 * @param {unknown} ranges `stored_seq_ranges`
 * @returns {number[][]}
 * @throws {XuedianError} `ack-invalid`
 */
export function checkRanges(ranges) {
  if (!Array.isArray(ranges) || ranges.length > MAX_RANGES) {
    throw new XuedianError('ack-invalid', 'The acknowledged ranges are malformed.');
  }
  let last = 0;
  for (const range of ranges) {
    const ok = Array.isArray(range) && range.length === 2 && range.every((n) => Number.isSafeInteger(n))
      && range[0] > last && range[1] >= range[0];
    if (!ok) throw new XuedianError('ack-invalid', 'The acknowledged ranges are malformed.');
    last = range[1];
  }
  return /** @type {number[][]} */ (ranges);
}

/**
 * Whether checked ranges hold a device_seq (binary search: they are sorted and apart).
 * @param {number[][]} ranges checked by checkRanges
 * @param {number} seq
 * @returns {boolean}
 */
export function covered(ranges, seq) {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (seq < ranges[mid][0]) hi = mid - 1;
    else if (seq > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Delete the outbox records the ranges cover, in the caller's readwrite
 * transaction (which must include `outbox`). One pass over the outbox's
 * device_seq index: the outbox holds only what is not yet acknowledged.
 * @param {import('../storage/db.js').Transaction} tx
 * @param {number[][]} ranges checked by checkRanges
 * @returns {Promise<number>} how many records were deleted
 */
export async function deleteAcked(tx, ranges) {
  if (ranges.length === 0) return 0;
  const span = IDBKeyRange.bound(ranges[0][0], ranges[ranges.length - 1][1]);
  let deleted = 0;
  const index = tx.objectStore('outbox').index('device_seq');
  for (let cursor = await index.openCursor(span); cursor; cursor = await cursor.continue()) {
    if (covered(ranges, cursor.value.device_seq)) {
      await cursor.delete();
      deleted += 1;
    }
  }
  return deleted;
}
