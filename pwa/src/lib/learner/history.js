/**
 * The active learner's learning history, for My learning, Home and the
 * recommendations. Owns nothing durable: it takes the county's rows merged
 * with the records still waiting in the outbox from learner/progress.js, so
 * what was learnt offline counts at once, and adds totals, packs and interests.
 *
 * Local records add to the county's totals only for what the county cannot
 * know yet: a lesson it has no completed row for, the seconds of each waiting
 * record, and the credit hours of an installed pack whose every lesson is then
 * completed with evidence. What a record counts for is decided by
 * lib/records/facts.js, the county's rules (tests/vectors/record_facts.json).
 */
import { withTx } from '../storage/db.js';
import { recordFacts } from '../records/facts.js';
import { readLearning } from './progress.js';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Midnight at the start of the (Monday-first) week holding `ms`, local time.
 * @param {number} ms
 * @returns {number}
 */
export function weekStart(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

/**
 * Completions per week over the last `weeks` weeks, oldest first.
 * @param {number[]} times completion times (ms)
 * @param {number} now
 * @param {number} [weeks]
 * @returns {{start: number, count: number}[]}
 */
export function weeklyCounts(times, now, weeks = 8) {
  const last = weekStart(now);
  const out = [];
  for (let i = weeks - 1; i >= 0; i -= 1) {
    // Step back by days, not fixed milliseconds, so daylight-saving weeks line up.
    const start = weekStart(last - i * WEEK_MS + 12 * 3600 * 1000);
    out.push({ start, count: 0 });
  }
  for (const at of times) {
    if (!Number.isFinite(at)) continue;
    const start = weekStart(at);
    const slot = out.find((w) => w.start === start);
    if (slot) slot.count += 1;
  }
  return out;
}

/**
 * @typedef {object} History
 * @property {string | null} learner
 * @property {{lessons: number, hours: number, credits: number}} totals county totals plus local records
 * @property {Record<string, Set<string>>} completed pack id → lesson ids completed (county or local)
 * @property {number[]} completedAt completion times (ms) of every completed lesson
 * @property {any[]} packs installed pack rows
 * @property {any[]} packsDone installed pack rows whose every lesson is completed
 * @property {{topic: string, category?: string}[]} interests topics the learner asked for
 *   (`meta.topic_requests`, and `asked` records still in the outbox)
 */

/**
 * Read the active learner's history in one transaction.
 * @returns {Promise<History>}
 */
export function learnerHistory() {
  return withTx(['meta', 'progress', 'outbox', 'packs'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = (await meta.get('active_learner')) || null;
    const packs = (await tx.objectStore('packs').getAll()) || [];
    /** @type {History} */
    const out = {
      learner,
      totals: { lessons: 0, hours: 0, credits: 0 },
      completed: {},
      completedAt: [],
      packs,
      packsDone: [],
      interests: [],
    };
    if (!learner) return out;
    const county = ((await meta.get('learner_totals')) || {})[learner] || null;
    const { local, mine, lessons } = await readLearning(tx);
    const { verified, countyVerified, newLessons } = lessons;
    out.completed = lessons.completed;
    out.completedAt = lessons.completedAt;
    const voided = new Set(local.map((r) => recordFacts(r).voids).filter(Boolean));

    // Topics asked for: the request screen keeps them in `meta.topic_requests`
    // ([{learner, topic, category?}], newest first), plus those still in the outbox.
    const kept = (await meta.get('topic_requests')) || [];
    for (const r of Array.isArray(kept) ? kept : []) {
      if (r?.learner === learner && typeof r.topic === 'string' && !out.interests.some((i) => i.topic === r.topic)) {
        out.interests.push(r.category ? { topic: r.topic, category: r.category } : { topic: r.topic });
      }
    }
    for (const r of local) {
      if (voided.has(r.id) || recordFacts(r).kind !== 'topic') continue;
      if (typeof r.object?.topic === 'string' && !out.interests.some((i) => i.topic === r.object.topic)) {
        out.interests.push({ topic: r.object.topic, category: r.object.category });
      }
    }
    const localSeconds = mine?.seconds || 0;

    const allDone = (done, row) => row.manifest.lessons.length > 0
      && row.manifest.lessons.every((l) => done?.has(l.id));
    let localCredits = 0;
    for (const row of packs) {
      if (allDone(out.completed[row.pack_id], row)) out.packsDone.push(row);
      // Credits need every lesson completed with evidence; packs the county already
      // credited are in its credits.
      if (allDone(verified[row.pack_id], row) && !allDone(countyVerified[row.pack_id], row)) {
        localCredits += Number(row.manifest.credit_hours) || 0;
      }
    }
    const base = county || { lessons_completed: 0, hours: 0, credits: 0 };
    out.totals = {
      lessons: base.lessons_completed + newLessons,
      hours: Math.round((base.hours + localSeconds / 3600) * 100) / 100,
      credits: Math.round((base.credits + localCredits) * 100) / 100,
    };
    return out;
  });
}
