/**
 * What the active learner has done, as the screens show it: the one place
 * that merges the county's derived progress (`progress` store and
 * `meta.learner_totals`, written by transport/feed.js) with the records still
 * in the outbox, so learning done here shows at once, before any sync. Owns
 * nothing. Local records count by records/facts.js, the county's rules
 * (tests/vectors/record_facts.json); learner/history.js builds on this.
 */
import { withTx } from '../storage/db.js';
import { derive } from '../records/facts.js';

/**
 * @typedef {object} PackProgress
 * @property {Set<string>} completed lesson ids completed (county or local)
 * @property {Record<string, number>} bestScore lesson id → best score, where known
 */

/**
 * @typedef {object} MergedLessons
 * @property {Record<string, Set<string>>} completed pack id → lessons completed (county or local)
 * @property {Record<string, Set<string>>} verified pack id → lessons completed with evidence
 * @property {Record<string, Set<string>>} countyVerified the county's share of `verified`
 * @property {Record<string, Record<string, number>>} bestScore pack id → lesson id → best score
 * @property {number[]} completedAt completion times (ms), one per completed lesson
 * @property {number} newLessons lessons completed here that the county has not counted yet
 */

/**
 * @typedef {object} Learning
 * @property {string | null} learner the active learner
 * @property {any[]} local the learner's records still in the outbox
 * @property {{lessons: any[], seconds: number} | undefined} mine what those records derive
 * @property {MergedLessons} lessons the county's rows merged with `mine`
 */

function addTo(map, pack, lesson) {
  const set = (map[pack] ||= new Set());
  const fresh = !set.has(lesson);
  set.add(lesson);
  return fresh;
}

/**
 * Merge the county's progress rows with lesson rows derived from local records.
 * @param {any[]} county `progress` rows
 * @param {any[]} local lesson rows from derive()
 * @returns {MergedLessons}
 */
function mergeLessons(county, local) {
  /** @type {MergedLessons} */
  const out = { completed: {}, verified: {}, countyVerified: {}, bestScore: {}, completedAt: [], newLessons: 0 };
  for (const row of county) {
    if (typeof row.best_score === 'number') (out.bestScore[row.pack] ||= {})[row.lesson] = row.best_score;
    if (!row.completed) continue;
    addTo(out.completed, row.pack, row.lesson);
    if (row.verified) {
      addTo(out.verified, row.pack, row.lesson);
      addTo(out.countyVerified, row.pack, row.lesson);
    }
    out.completedAt.push(Date.parse(row.updated || ''));
  }
  for (const row of local) {
    if (row.best_score !== null) {
      const scores = (out.bestScore[row.pack] ||= {});
      scores[row.lesson] = Math.max(scores[row.lesson] ?? 0, row.best_score);
    }
    if (!row.completed) continue;
    if (row.verified) addTo(out.verified, row.pack, row.lesson);
    // Only what the county cannot know yet adds a lesson and a completion time.
    if (addTo(out.completed, row.pack, row.lesson)) {
      out.newLessons += 1;
      out.completedAt.push(Date.parse(row.updated || ''));
    }
  }
  return out;
}

/**
 * Read and merge the active learner's progress inside the caller's
 * transaction (stores `meta`, `progress` and `outbox`).
 * @param {import('../storage/db.js').Transaction} tx
 * @param {string} [packId] only this pack's lessons
 * @returns {Promise<Learning>}
 */
export async function readLearning(tx, packId) {
  const learner = (await tx.objectStore('meta').get('active_learner')) || null;
  if (!learner) return { learner, local: [], mine: undefined, lessons: mergeLessons([], []) };
  const range = packId
    ? IDBKeyRange.bound([learner, packId], [learner, packId, []])
    : IDBKeyRange.bound([learner], [learner, []]);
  const county = (await tx.objectStore('progress').getAll(range)) || [];
  const local = ((await tx.objectStore('outbox').getAll()) || []).filter((r) => r.learner === learner);
  const mine = derive(local)[learner];
  const rows = (mine?.lessons || []).filter((row) => !packId || row.pack === packId);
  return { learner, local, mine, lessons: mergeLessons(county, rows) };
}

/**
 * The active learner's progress in one pack.
 * @param {string} packId
 * @returns {Promise<PackProgress>}
 */
export function packProgress(packId) {
  return withTx(['meta', 'progress', 'outbox'], 'readonly', async (tx) => {
    const { lessons } = await readLearning(tx, packId);
    return { completed: lessons.completed[packId] || new Set(), bestScore: lessons.bestScore[packId] || {} };
  });
}

/**
 * The active learner's totals as the county last derived them, or null.
 * @returns {Promise<{lessons_completed: number, hours: number, credits: number} | null>}
 */
export function learnerTotals() {
  return withTx(['meta'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = await meta.get('active_learner');
    const totals = await meta.get('learner_totals');
    return (learner && totals?.[learner]) || null;
  });
}
