/**
 * What the active learner has done, as the screens show it. Owns nothing: it
 * merges the county's derived progress (`progress` store and
 * `meta.learner_totals`, written by lib/transport/feed.js) with the records still in the
 * outbox, so learning done here shows at once, before any sync. Local records
 * count by lib/records/facts.js, the county's rules.
 */
import { req, withTx } from '../storage/db.js';
import { derive } from '../records/facts.js';

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
    for (const row of derive(local)[learner]?.lessons || []) {
      if (row.pack !== packId) continue;
      if (row.completed) out.completed.add(row.lesson);
      if (row.best_score !== null) out.bestScore[row.lesson] = Math.max(out.bestScore[row.lesson] ?? 0, row.best_score);
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
