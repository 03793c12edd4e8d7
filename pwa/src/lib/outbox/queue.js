/**
 * The learning-record outbox, storage side. Owns the `outbox` store and, in
 * `meta`, the `device_seq` counter and the `active_learner` profile id (made
 * here on first run; switching it is learner/profiles.js's).
 *
 * Records are append-only. One leaves the outbox only when the county has it:
 * its batch receipt lists it as accepted or duplicate (outbox/receipt.js), or a
 * county ack (the changes feed's or a signed .xdack file's,
 * transport/ack-ranges.js) covers its device_seq; a rejected one stays,
 * quarantined. Exporting a sync bundle, or a relay's receipt, deletes nothing.
 * Runs in the page and in the service worker alike.
 */
import { withTx, isQuotaError } from '../storage/db.js';
import { uuidv4, uuidv7 } from '../uuid.js';
import { XuedianError } from '../errors.js';
import { storableValue } from '../records/storable.js';
import { changeSignal } from '../signal.js';

export const OUTBOX_CHANNEL = 'xuedian-outbox';

const changed = changeSignal(OUTBOX_CHANNEL, 'outbox-changed');

/**
 * Tell every listener, here and in the other realms (page ↔ service worker),
 * that the outbox changed.
 * @returns {void}
 */
export function notify() {
  changed.notify();
}

/**
 * Call `fn` whenever the outbox changes here or in another tab or the worker.
 * @param {() => void} fn
 * @returns {() => void} unsubscribe
 */
export function onOutboxChange(fn) {
  return changed.listen(fn);
}

/**
 * Append one learning record. The device_seq counter is read and bumped in the
 * same transaction as the insert, so the sequence has no gaps even if the
 * phone dies mid-write.
 * @param {{verb: string, object: object, result?: object}} event
 * @returns {Promise<object>} the stored record
 * @throws {XuedianError} `storage-full` when the browser refuses to store it
 */
export async function recordEvent({ verb, object, result }) {
  let record;
  try {
    record = await withTx(['meta', 'outbox'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      const learner = await ensureLearner(meta);
      const seq = ((await meta.get('device_seq')) || 0) + 1;
      await meta.put(seq, 'device_seq');
      // Only text the county can store goes into a record (records/storable.js).
      const row = { id: uuidv7(), learner, verb, object: storableValue(object), timestamp: new Date().toISOString(), device_seq: seq };
      if (result) row.result = storableValue(result);
      await tx.objectStore('outbox').add(row);
      return row;
    });
  } catch (err) {
    if (isQuotaError(err)) {
      throw new XuedianError('storage-full', 'The phone storage is full; the record was not saved.', { cause: err });
    }
    throw err;
  }
  notify();
  return record;
}

/**
 * The active learner profile id, created on first run.
 * @returns {Promise<string>}
 */
export async function activeLearner() {
  return withTx(['meta'], 'readwrite', (tx) => ensureLearner(tx.objectStore('meta')));
}

/** Read the active profile inside the caller's transaction, creating it on first run. */
async function ensureLearner(meta) {
  let learner = await meta.get('active_learner');
  if (!learner) {
    // A shared family phone may hold several profiles; the first one is made here.
    learner = uuidv4();
    await meta.put(learner, 'active_learner');
    await meta.put([{ id: learner, created: new Date().toISOString() }], 'profiles');
  }
  return learner;
}

/**
 * Counts for the status line, plus the quarantined records to show.
 * @returns {Promise<{pending: number, quarantined: object[], lastSynced: string | null}>}
 */
export async function outboxStatus() {
  return withTx(['meta', 'outbox'], 'readonly', async (tx) => {
    let pending = 0;
    const quarantined = [];
    for (let cursor = await tx.objectStore('outbox').openCursor(); cursor; cursor = await cursor.continue()) {
      if (cursor.value.quarantine) quarantined.push(cursor.value);
      else pending += 1;
    }
    const lastSynced = (await tx.objectStore('meta').get('last_synced')) || null;
    return { pending, quarantined, lastSynced };
  });
}

/**
 * Up to `limit` unquarantined records in device_seq order, as stored.
 * @param {number} limit
 * @returns {Promise<object[]>}
 */
export function waitingRecords(limit) {
  return withTx(['outbox'], 'readonly', async (tx) => {
    const out = [];
    const index = tx.objectStore('outbox').index('device_seq');
    for (let cursor = await index.openCursor(); cursor && out.length < limit; cursor = await cursor.continue()) {
      if (!cursor.value.quarantine) out.push(cursor.value);
    }
    return out;
  });
}
