/**
 * The changes feed, phone side, and the sync cycle around it. Owns the
 * `progress` and `inbox` stores and, in `meta`, `feed_cursor` (the county's
 * opaque cursor), `learner_totals` ({learner: {lessons_completed, hours,
 * credits}}) and `feed_catalog` ({etag, created}); the credit bank's `credits`,
 * `points` and `credential_trust` are kept through lib/transport/credits.js, and
 * points' `redeem` (what this phone may redeem: lib/points/voucher.js readRedeem).
 * A phone holding unsettled vouchers sends its heartbeat with the first request, so
 * they reach the county even with no record to upload (lib/points/wallet.js).
 *
 * Each answer is stored in ONE transaction: the new cursor together with the
 * progress rows and messages it brings, and the deletion of the outbox records
 * its ack covers. A phone that dies mid-way keeps the old cursor and asks again;
 * every item is whole state, so asking twice is harmless.
 *
 * Remote instructions in an answer go to lib/transport/instructions.js; a `resync` makes
 * the pull start again from no cursor, telling the county a heartbeat.
 */
import { withTx, getMeta } from '../storage/db.js';
import { sendEnvelope } from './api.js';
import { asRegistered, sign } from './device.js';
import { notify as outboxChanged } from '../outbox/queue.js';
import { deviceStatus } from '../outbox/heartbeat.js';
import { flushLocked, withSyncLock } from '../outbox/send.js';
import { takeInstructions } from './instructions.js';
import { applyFeedPoint } from './enrolment.js';
import { checkRanges, deleteAcked } from './ack-ranges.js';
import { XuedianError } from '../errors.js';
import { changeSignal } from '../signal.js';
import { mergeCredits, mergePoints, readTrust } from './credits.js';
import { readRedeem } from '../points/voucher.js';
import { carriedVouchers, settleVouchers } from '../points/wallet.js';

export const FEED_CHANNEL = 'xuedian-feed';
// Enough for a first feed of a busy shared phone; the rest comes next time.
const MAX_PAGES = 50;

const changed = changeSignal(FEED_CHANNEL, 'feed-changed');

/**
 * Call `fn` whenever the feed stored new progress or messages (here or in another tab).
 * @param {() => void} fn
 * @returns {() => void} unsubscribe
 */
export function onFeedChange(fn) {
  return changed.listen(fn);
}

/**
 * Tell every listener, here and in other tabs, that progress or the inbox changed.
 * @returns {void}
 */
export function feedChanged() {
  changed.notify();
}

async function postChanges(cursor, status) {
  const signed = { type: 'changes-request', created: new Date().toISOString(), cursor };
  if (status) signed.status = status;
  const res = await sendEnvelope('/api/v1/sync/changes', await sign(signed));
  const answer = await res.json().catch(() => null);
  if (!answer || typeof answer.cursor !== 'string') {
    throw new XuedianError('body-not-json', 'The changes answer is not valid.');
  }
  return answer;
}

const isText = (v) => typeof v === 'string' && v.length > 0;
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** Store one answer in one transaction; resolve with what it changed. */
async function store(answer) {
  let ranges = null;
  try {
    ranges = checkRanges(answer.ack?.stored_seq_ranges);
  } catch {
    // A malformed ack deletes nothing; the next one will do.
  }
  const rows = (answer.progress || []).filter((p) => isText(p?.learner) && isText(p.pack) && isText(p.lesson));
  const learners = (answer.totals || []).filter((t) => isText(t?.learner));
  const messages = (answer.messages || []).filter((m) => Number.isSafeInteger(m?.id));
  const now = new Date().toISOString();
  return withTx(['meta', 'progress', 'inbox', 'outbox'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const progress = tx.objectStore('progress');
    const inbox = tx.objectStore('inbox');
    const totals = { ...((await meta.get('learner_totals')) || {}) };
    for (const t of learners) {
      // The answer holds every row of this learner: theirs are replaced, not merged.
      await progress.delete(IDBKeyRange.bound([t.learner], [t.learner, []]));
      totals[t.learner] = {
        lessons_completed: isNumber(t.lessons_completed) ? t.lessons_completed : 0,
        lessons_verified: isNumber(t.lessons_verified) ? t.lessons_verified : 0,
        hours: isNumber(t.hours) ? t.hours : 0,
        credits: isNumber(t.credits) ? t.credits : 0,
      };
    }
    await Promise.all(rows.map((p) => progress.put({
      learner: p.learner,
      pack: p.pack,
      lesson: p.lesson,
      completed: p.completed === true,
      verified: p.verified === true,
      best_score: isNumber(p.best_score) ? p.best_score : null,
      seconds: isNumber(p.seconds) ? p.seconds : 0,
      updated: typeof p.updated === 'string' ? p.updated : null,
    })));
    let fresh = 0;
    for (const m of messages) {
      // A message is never edited: keep the stored one and whether it was read.
      if ((await inbox.count(m.id)) === 0) {
        await inbox.put({ id: m.id, created: m.created, title: m.title || {}, body: m.body || {}, read: false });
        fresh += 1;
      }
    }
    await meta.put(totals, 'learner_totals');
    if (answer.catalog && typeof answer.catalog.etag === 'string') await meta.put(answer.catalog, 'feed_catalog');
    const credited = Boolean(answer.credits && Array.isArray(answer.credits.learners));
    if (credited) await meta.put(mergeCredits(await meta.get('credits'), answer.credits), 'credits');
    const trust = readTrust(answer.trust);
    if (trust) await meta.put(trust, 'credential_trust');
    const pointed = Boolean(answer.points && Array.isArray(answer.points.learners));
    if (pointed) await meta.put(mergePoints(await meta.get('points'), answer.points), 'points');
    const redeem = readRedeem(answer.redeem);
    if (redeem) await meta.put(redeem, 'redeem');
    await meta.put(answer.cursor, 'feed_cursor');
    await meta.put(now, 'last_synced');
    const acked = ranges ? await deleteAcked(tx, ranges) : 0;
    const credits = credited || trust || pointed || redeem ? 1 : 0;
    return { acked, learners: learners.length, credits, messages: fresh, more: answer.more === true };
  });
}

/**
 * Ask the county what changed since the stored cursor, page by page, storing
 * each answer. Call only holding the sync lock (outbox/send.js withSyncLock).
 * @returns {Promise<{pages: number, acked: number, learners: number, credits: number, messages: number}>}
 * @throws {XuedianError} `network-offline`, `device-revoked`, …; what was
 *   stored before the failure stays stored
 */
export async function pullLocked() {
  const out = { pages: 0, acked: 0, learners: 0, credits: 0, messages: 0 };
  let cursor = (await getMeta('feed_cursor')) || null;
  let restarted = false;
  let resynced = false;
  // Vouchers waiting: the heartbeat goes with the first request, not only with a batch.
  let heartbeat = (await carriedVouchers().catch(() => [])).length ? await deviceStatus().catch(() => null) : null;
  try {
    while (out.pages < MAX_PAGES) {
      let answer;
      try {
        answer = await asRegistered(() => postChanges(cursor, heartbeat));
        if (heartbeat?.vouchers) await settleVouchers(heartbeat.vouchers);
        heartbeat = null;
      } catch (err) {
        // A county restored with another secret no longer knows our cursor: start over.
        if (!(err instanceof XuedianError) || err.code !== 'cursor-invalid' || restarted) throw err;
        restarted = true;
        cursor = null;
        continue;
      }
      const got = await store(answer);
      if ('point' in answer) await applyFeedPoint(answer.point).catch(() => {});
      out.pages += 1;
      out.acked += got.acked;
      out.learners += got.learners;
      out.credits += got.credits;
      out.messages += got.messages;
      cursor = answer.cursor;
      const told = await takeInstructions(answer.instructions);
      if (told.resync && !resynced) {
        // The county asks for everything again: forget the cursor, report our state.
        resynced = true;
        cursor = null;
        heartbeat = await deviceStatus().catch(() => null);
        continue;
      }
      if (!got.more) break;
    }
  } finally {
    if (out.acked) outboxChanged();
    if (out.learners || out.credits || out.messages) feedChanged();
  }
  return out;
}

const offline = (err) => err instanceof XuedianError && err.code === 'network-offline';

/**
 * One sync: ask the feed first (its ack may clear records that reached the
 * county by a bundle, so they are not uploaded again), upload what is still
 * waiting, then ask again for what the upload changed. With `fresh` (records
 * were just made here, so the county cannot have them) the first ask is
 * skipped. With nothing waiting, it is one changes request and no batch. If
 * an upload fails with an answer (not offline), the feed is asked anyway: a
 * batch whose answer was lost after the county stored it is acked that way.
 * Runs under the sync lock; if another sync holds it, resolves with `skipped`.
 * @param {{fresh?: boolean}} [opts]
 * @returns {Promise<{skipped?: boolean, sent: number, acknowledged: number, rejected: number, acked: number}>}
 * @throws {XuedianError} the first failure; an upload is tried even if the feed failed
 */
export function syncAll({ fresh = false } = {}) {
  const busy = { skipped: true, sent: 0, acknowledged: 0, rejected: 0, acked: 0 };
  return withSyncLock(async () => {
    let failure = null;
    let acked = 0;
    if (!fresh) {
      try {
        acked += (await pullLocked()).acked;
      } catch (err) {
        if (offline(err)) throw err;
        failure = err;
      }
    }
    let flushed;
    try {
      flushed = await flushLocked();
    } catch (err) {
      // An answer lost after the county stored the batch: the ack says so at once.
      if (!offline(err)) await pullLocked().catch(() => null);
      throw err;
    }
    if (fresh || flushed.sent > 0) {
      try {
        acked += (await pullLocked()).acked;
        failure = null;
      } catch (err) {
        failure = failure || err;
      }
    }
    if (failure) throw failure;
    return { ...flushed, acked };
  }, busy);
}
