/**
 * The active learner's learning history, for My learning, Home and the
 * recommendations. Owns nothing durable: like lib/progress.js it merges the
 * county's derived rows (`progress` store, `meta.learner_totals`) with the
 * records still waiting in the outbox, so what was learnt offline counts at once.
 *
 * Local records add to the county's totals only for what the county cannot
 * know yet: a lesson it has no completed row for, the duration of each waiting
 * record (capped at 4 hours, as the county caps it), and the credit hours of an
 * installed pack that the local records complete.
 */
import { req, withTx } from './db.js';

const VERB = 'http://adlnet.gov/expapi/verbs/';
const COMPLETED = `${VERB}completed`;
const VOIDED = `${VERB}voided`;
const ASKED = `${VERB}asked`;
const MAX_RECORD_SECONDS = 4 * 3600;
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Seconds of an ISO 8601 duration such as `PT1M5S`; 0 when absent or malformed.
 * @param {string | undefined} text
 * @returns {number}
 */
export function durationSeconds(text) {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text || '');
  if (!m) return 0;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v || 0));
  return Math.min(d * 86400 + h * 3600 + min * 60 + s, MAX_RECORD_SECONDS);
}

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
 *   (`meta.interests[learner]`, and `asked` records still in the outbox)
 */

/**
 * Read the active learner's history in one transaction.
 * @returns {Promise<History>}
 */
export function learnerHistory() {
  return withTx(['meta', 'progress', 'outbox', 'packs'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = (await req(meta.get('active_learner'))) || null;
    const packs = (await req(tx.objectStore('packs').getAll())) || [];
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
    const county = ((await req(meta.get('learner_totals'))) || {})[learner] || null;
    const rows = (await req(tx.objectStore('progress').getAll(IDBKeyRange.bound([learner], [learner, []])))) || [];
    const local = ((await req(tx.objectStore('outbox').getAll())) || []).filter((r) => r.learner === learner);
    const voided = new Set(local.filter((r) => r.verb === VOIDED).map((r) => r.object?.record));

    const add = (pack, lesson) => {
      out.completed[pack] ||= new Set();
      const fresh = !out.completed[pack].has(lesson);
      out.completed[pack].add(lesson);
      return fresh;
    };
    const countyDone = {};
    for (const row of rows) {
      if (!row.completed) continue;
      add(row.pack, row.lesson);
      (countyDone[row.pack] ||= new Set()).add(row.lesson);
      out.completedAt.push(Date.parse(row.updated || ''));
    }
    // Topics asked for: kept in `meta.interests` ({[learner]: [{topic, category?}]}) where the
    // request screen keeps them, plus those still in the outbox (an acked record leaves it).
    const kept = ((await req(meta.get('interests'))) || {})[learner];
    if (Array.isArray(kept)) out.interests.push(...kept.filter((i) => typeof i?.topic === 'string'));
    let newLessons = 0;
    let localSeconds = 0;
    for (const r of local) {
      if (voided.has(r.id) || r.verb === VOIDED) continue;
      localSeconds += durationSeconds(r.result?.duration);
      if (r.verb === ASKED && typeof r.object?.topic === 'string' && !out.interests.some((i) => i.topic === r.object.topic)) {
        out.interests.push({ topic: r.object.topic, category: r.object.category });
      }
      if (r.verb !== COMPLETED || !r.object?.pack || !r.object.lesson) continue;
      if (add(r.object.pack, r.object.lesson)) {
        newLessons += 1;
        out.completedAt.push(Date.parse(r.timestamp));
      }
    }

    const allDone = (done, row) => row.manifest.lessons.length > 0
      && row.manifest.lessons.every((l) => done?.has(l.id));
    let localCredits = 0;
    for (const row of packs) {
      if (!allDone(out.completed[row.pack_id], row)) continue;
      out.packsDone.push(row);
      // Packs the county already counted are in its credits.
      if (!allDone(countyDone[row.pack_id], row)) localCredits += Number(row.manifest.credit_hours) || 0;
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
