/**
 * What the active learner has done, as the screens show it. Owns nothing: it
 * merges the county's derived progress (`progress` store and
 * `meta.learner_totals`, written by lib/feed.js) with the records still in the
 * outbox, so learning done here shows at once, before any sync.
 */
import { req, withTx } from './db.js';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/**
 * @typedef {object} PackProgress
 * @property {Set<string>} completed lesson ids completed (county or local)
 * @property {Record<string, number>} bestScore lesson id → best score, where known
 */

function readAll(request) {
  return req(request).then((rows) => rows || []);
}

/**
 * The active learner's progress in one pack.
 * @param {string} packId
 * @returns {Promise<PackProgress>}
 */
export function packProgress(packId) {
  return withTx(['meta', 'progress', 'outbox'], 'readonly', async (tx) => {
    const learner = await req(tx.objectStore('meta').get('active_learner'));
    /** @type {PackProgress} */
    const out = { completed: new Set(), bestScore: {} };
    if (!learner) return out;
    const range = IDBKeyRange.bound([learner, packId], [learner, packId, []]);
    for (const row of await readAll(tx.objectStore('progress').getAll(range))) {
      if (row.completed) out.completed.add(row.lesson);
      if (typeof row.best_score === 'number') out.bestScore[row.lesson] = row.best_score;
    }
    const local = (await readAll(tx.objectStore('outbox').getAll())).filter((r) => r.learner === learner);
    const voided = new Set(local.filter((r) => r.verb === VOIDED).map((r) => r.object?.record));
    for (const r of local) {
      if (r.verb === COMPLETED && r.object?.pack === packId && r.object.lesson && !voided.has(r.id)) {
        out.completed.add(r.object.lesson);
      }
    }
    return out;
  });
}

/**
 * The active learner's totals as the county last derived them, or null.
 * @returns {Promise<{lessons_completed: number, hours: number, credits: number} | null>}
 */
export function learnerTotals() {
  return withTx(['meta'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = await req(meta.get('active_learner'));
    const totals = await req(meta.get('learner_totals'));
    return (learner && totals?.[learner]) || null;
  });
}
