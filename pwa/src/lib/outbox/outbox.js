/**
 * The learning-record outbox. Owns the `outbox` store and, in `meta`, the
 * `device_seq` counter, the `active_learner` profile id and `last_synced`.
 * (The device key and registration are lib/transport/device.js's.)
 *
 * Records are append-only. One leaves the outbox only when the county has it:
 * its batch receipt lists it as accepted or duplicate, or a county ack (the
 * changes feed's or a signed .xdack file's, lib/transport/ack-ranges.js) covers its
 * device_seq; a rejected one stays, quarantined. Exporting a sync bundle, or a
 * relay's receipt, deletes nothing. Runs in the page and in the service
 * worker alike.
 */
import { req, withTx, getAll, isQuotaError } from '../storage/db.js';
import { uuidv4, uuidv7 } from '../uuid.js';
import { request, errorFromResponse } from '../transport/api.js';
import { ensureRegistered, forgetRegistration, sign } from '../transport/device.js';
import { XuedianError } from '../errors.js';
import { APP_VERSION } from '../version.js';
import { profilesForStatus } from '../learner/profiles.js';
import { enrolmentClaim } from '../transport/enrolment.js';
import { storableValue } from '../records/storable.js';

export const FLUSH_LOCK = 'xuedian-outbox-flush';
export const SYNC_TAG = 'xuedian-outbox';
export const OUTBOX_CHANNEL = 'xuedian-outbox';
export const MAX_BATCH = 500;
// Small batches go plain so a phone with one record pays no compression cost.
const GZIP_OVER_BYTES = 4096;
const WIRE_FIELDS = ['id', 'learner', 'verb', 'object', 'result', 'timestamp', 'device_seq'];

/** @type {Set<() => void>} */
const listeners = new Set();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(OUTBOX_CHANNEL) : null;
if (channel) channel.onmessage = () => listeners.forEach((fn) => fn());

/**
 * Tell every listener, here and in the other realms (page ↔ service worker),
 * that the outbox changed.
 * @returns {void}
 */
export function notify() {
  listeners.forEach((fn) => fn());
  channel?.postMessage({ type: 'outbox-changed' });
}

/**
 * Call `fn` whenever the outbox changes here or in another tab or the worker.
 * @param {() => void} fn
 * @returns {() => void} unsubscribe
 */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
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
      const seq = ((await req(meta.get('device_seq'))) || 0) + 1;
      meta.put(seq, 'device_seq');
      // Only text the county can store goes into a record (lib/records/storable.js).
      const row = { id: uuidv7(), learner, verb, object: storableValue(object), timestamp: new Date().toISOString(), device_seq: seq };
      if (result) row.result = storableValue(result);
      await req(tx.objectStore('outbox').add(row));
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
  let learner = await req(meta.get('active_learner'));
  if (!learner) {
    // A shared family phone may hold several profiles; the first one is made here.
    learner = uuidv4();
    meta.put(learner, 'active_learner');
    meta.put([{ id: learner, created: new Date().toISOString() }], 'profiles');
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
    await new Promise((resolve, reject) => {
      const cursorReq = tx.objectStore('outbox').openCursor();
      cursorReq.onsuccess = () => {
        const cursor = cursorReq.result;
        if (!cursor) return resolve(undefined);
        if (cursor.value.quarantine) quarantined.push(cursor.value);
        else pending += 1;
        cursor.continue();
      };
      cursorReq.onerror = () => reject(cursorReq.error);
    });
    const lastSynced = (await req(tx.objectStore('meta').get('last_synced'))) || null;
    return { pending, quarantined, lastSynced };
  });
}

/**
 * Up to `limit` unquarantined records in device_seq order, as sent on the wire.
 * @param {number} limit
 * @returns {Promise<object[]>}
 */
export function unsentRecords(limit) {
  return withTx(['outbox'], 'readonly', (tx) => new Promise((resolve, reject) => {
    const out = [];
    const cursorReq = tx.objectStore('outbox').index('device_seq').openCursor();
    cursorReq.onsuccess = () => {
      const cursor = cursorReq.result;
      if (!cursor || out.length >= limit) return resolve(out);
      if (!cursor.value.quarantine) {
        const wire = {};
        for (const key of WIRE_FIELDS) if (cursor.value[key] !== undefined) wire[key] = cursor.value[key];
        out.push(wire);
      }
      cursor.continue();
    };
    cursorReq.onerror = () => reject(cursorReq.error);
  }));
}

/** Free bytes the browser would still let this origin store, or null if it will not say. */
async function storageFree() {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    if (typeof quota !== 'number' || typeof usage !== 'number') return null;
    return Math.max(0, Math.floor(quota - usage));
  } catch {
    return null;
  }
}

/**
 * The heartbeat every batch and bundle carries: what waits, what was
 * refused, which app and packs this phone runs, how much room is left, the
 * learning point's code and enrolment token (lib/transport/enrolment.js; only the token
 * enrols) and its profiles (id, age band and
 * village only: names never leave the phone; lib/learner/profiles.js).
 * @returns {Promise<{unsent: number, quarantined: number, app_version: string,
 *   packs: Record<string, number>, storage_free: number | null, point?: string, enrolment?: string,
 *   profiles?: {learner: string, age_band?: string, village?: string}[]}>}
 */
export async function deviceStatus() {
  const { pending, quarantined } = await outboxStatus();
  const packs = {};
  for (const row of await getAll('packs')) {
    if (row && typeof row.pack_id === 'string' && Number.isInteger(row.version)) packs[row.pack_id] = row.version;
  }
  const status = { unsent: pending, quarantined: quarantined.length, app_version: APP_VERSION, packs, storage_free: await storageFree() };
  Object.assign(status, await enrolmentClaim().catch(() => ({})));
  const profiles = await profilesForStatus().catch(() => []);
  if (profiles.length) status.profiles = profiles;
  return status;
}

/**
 * A signed `sync-batch` envelope of `records`, with the heartbeat.
 * @param {object[]} records at most MAX_BATCH, as from unsentRecords()
 * @param {object} [status] the heartbeat; read now when not given
 * @returns {Promise<{signed: object, signature: string}>}
 */
export async function signedBatch(records, status) {
  return sign({
    type: 'sync-batch',
    batch_id: uuidv4(),
    created: new Date().toISOString(),
    records,
    status: status || (await deviceStatus()),
  });
}

async function postBatch(envelope) {
  const json = JSON.stringify(envelope);
  // No Authorization header: the signature is the credential.
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  let body = json;
  if (json.length > GZIP_OVER_BYTES && typeof CompressionStream === 'function') {
    // 2G data is dear: JSON records compress about tenfold.
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
    body = await new Response(stream).arrayBuffer();
    headers['Content-Encoding'] = 'gzip';
  }
  const res = await request('/api/v1/sync/batches', { method: 'POST', headers, body, cache: 'no-store' });
  if (!res.ok) throw await errorFromResponse(res);
  return res.json().catch((err) => {
    throw new XuedianError('body-not-json', 'The receipt is not valid JSON.', { cause: err });
  });
}

/** Apply a receipt in one transaction: delete acknowledged, quarantine rejected. */
async function applyReceipt(receipt, sentIds) {
  const sent = new Set(sentIds);
  const done = [...(receipt.accepted || []), ...(receipt.duplicate || [])].filter((id) => sent.has(id));
  const rejected = (receipt.rejected || []).filter((r) => r && sent.has(r.id));
  const now = new Date().toISOString();
  await withTx(['meta', 'outbox'], 'readwrite', async (tx) => {
    const outbox = tx.objectStore('outbox');
    for (const id of done) outbox.delete(id);
    for (const r of rejected) {
      const row = await req(outbox.get(r.id));
      if (row) outbox.put({ ...row, quarantine: { code: r.code || 'record-invalid', message: r.message || '', at: now } });
    }
    tx.objectStore('meta').put(now, 'last_synced');
  });
  return { done: done.length, rejected: rejected.length };
}

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
    await ensureRegistered();
    let receipt;
    try {
      receipt = await postBatch(await signedBatch(records));
    } catch (err) {
      if (!(err instanceof XuedianError) || err.code !== 'device-unknown') throw err;
      // The county forgot this phone (restored from a backup): register the same key again.
      await forgetRegistration();
      await ensureRegistered();
      receipt = await postBatch(await signedBatch(records));
    }
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
