/**
 * What a learning record counts for, on the phone: the same rules as the county's
 * server/xuedian/sync/facts.py and learners/progress.py, checked against the same
 * cases in tests/vectors/record_facts.json (pwa/test/facts.test.mjs). Owns no data:
 * lib/learner/history.js, lib/learner/progress.js and the lesson screen call it on outbox records.
 */

export const VERB_BASE = 'http://adlnet.gov/expapi/verbs/';
/** Most seconds one record counts for: a lesson left open overnight is not ten hours. */
export const MAX_RECORD_SECONDS = 4 * 3600;
/** The item id the lesson quiz's total is recorded under. */
export const QUIZ_ITEM = 'quiz';
/** The quiz total's share of right answers that passes (its `success`, and evidence). */
export const QUIZ_PASS = 0.6;
/** Evidence thresholds of a completion. */
export const MIN_READ_SECONDS = 20;
export const READ_CHARS_PER_SECOND = 10;
export const MIN_LISTENED = 0.8;
export const EVIDENCE_ORDER = ['quiz', 'narration', 'time'];

const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const isCount = (v) => Number.isInteger(v) && v >= 0;
const isText = (v) => (typeof v === 'string' ? v : null);

/**
 * Whole seconds of an ISO 8601 duration (`PT1M5S`), at most 4 hours; 0 for none.
 * @param {unknown} text
 * @returns {number}
 */
export function durationSeconds(text) {
  const m = typeof text === 'string' ? DURATION.exec(text) : null;
  if (!m) return 0;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v || 0));
  return Math.min(Math.floor(d * 86400 + h * 3600 + min * 60 + s), MAX_RECORD_SECONDS);
}

/**
 * Seconds on a lesson's content that count as reading a text of `chars` characters.
 * @param {unknown} chars
 * @returns {number}
 */
export function neededReadSeconds(chars) {
  return Math.max(MIN_READ_SECONDS, Math.ceil((isCount(chars) ? chars : 0) / READ_CHARS_PER_SECOND));
}

/**
 * A completion's evidence, as the lesson screen gathers it.
 * @param {{seconds: number, chars: number, listened?: number | null, quizPassed?: boolean}} seen
 *   seconds the content was on screen while the app was visible, the lesson text's
 *   characters, the share of the narration played (none: no narration), quiz passed
 * @returns {{seconds: number, chars: number, listened?: number, quiz?: boolean}}
 */
export function completionEvidence({ seconds, chars, listened = null, quizPassed = false }) {
  const out = { seconds: Math.max(0, Math.floor(seconds)), chars: Math.max(0, Math.floor(chars)) };
  if (typeof listened === 'number') out.listened = Math.min(1, Math.max(0, listened));
  if (quizPassed) out.quiz = true;
  return out;
}

/**
 * The evidence kind a completion's `result.evidence` proves, or null (unverified).
 * @param {any} evidence
 * @returns {string | null}
 */
export function engagement(evidence) {
  if (!evidence || typeof evidence !== 'object') return null;
  const listened = evidence.listened;
  const met = {
    quiz: evidence.quiz === true,
    narration: typeof listened === 'number' && listened >= MIN_LISTENED,
    time: isCount(evidence.seconds) && evidence.seconds >= neededReadSeconds(evidence.chars),
  };
  return EVIDENCE_ORDER.find((kind) => met[kind]) || null;
}

function kindOf(verbName, obj) {
  if (verbName === 'voided') return 'record';
  if ('topic' in obj) return 'topic';
  if (obj.item === QUIZ_ITEM) return 'quiz';
  if ('item' in obj) return 'item';
  if ('lesson' in obj) return 'lesson';
  return 'pack';
}

/**
 * @typedef {object} Facts
 * @property {string} verb_name
 * @property {string} kind topic, record, pack, lesson, quiz or item
 * @property {string | null} pack
 * @property {string | null} lesson
 * @property {string | null} item
 * @property {number} seconds
 * @property {number | null} score
 * @property {boolean | null} success
 * @property {string | null} engagement
 * @property {string | null} voids
 */

/**
 * The facts of one record.
 * @param {any} record
 * @returns {Facts}
 */
export function recordFacts(record) {
  const verbName = typeof record?.verb === 'string' && record.verb.startsWith(VERB_BASE)
    ? record.verb.slice(VERB_BASE.length) : (record?.verb || '');
  const obj = record?.object && typeof record.object === 'object' ? record.object : {};
  const result = record?.result && typeof record.result === 'object' ? record.result : {};
  const kind = kindOf(verbName, obj);
  return {
    verb_name: verbName,
    kind,
    pack: isText(obj.pack),
    lesson: isText(obj.lesson),
    item: isText(obj.item),
    seconds: durationSeconds(result.duration),
    score: typeof result.score === 'number' ? result.score : null,
    success: typeof result.success === 'boolean' ? result.success : null,
    engagement: verbName === 'completed' && kind === 'lesson' ? engagement(result.evidence) : null,
    voids: kind === 'record' ? isText(obj.record) : null,
  };
}

/**
 * Whether the facts are a lesson's completion (`completed` naming the lesson itself).
 * @param {Facts} f
 * @returns {boolean}
 */
export const isCompletion = (f) => f.verb_name === 'completed' && f.kind === 'lesson';

/**
 * Whether the facts carry a lesson score (the quiz total or the lesson's own record).
 * @param {Facts} f
 * @returns {boolean}
 */
export const countsForScore = (f) => (f.kind === 'quiz' || f.kind === 'lesson') && f.score !== null;

/**
 * @typedef {object} LessonRow
 * @property {string} pack
 * @property {string} lesson
 * @property {boolean} completed
 * @property {boolean} verified
 * @property {number | null} best_score
 * @property {number} seconds
 * @property {string | null} updated
 */

/**
 * @typedef {object} Derived
 * @property {number} lessons_completed
 * @property {number} lessons_verified
 * @property {number} seconds
 * @property {number} hours
 * @property {number} credits
 * @property {LessonRow[]} lessons sorted by pack, then lesson
 */

/**
 * Every learner's progress from a set of records (order and duplicates do not matter).
 * @param {any[]} records
 * @param {Record<string, {credit_hours: number, lessons: string[]}>} [packs]
 * @returns {Record<string, Derived>}
 */
export function derive(records, packs = {}) {
  const byId = new Map();
  for (const r of records) if (!byId.has(r.id)) byId.set(r.id, { ...r, facts: recordFacts(r) });
  const voided = new Set();
  for (const r of byId.values()) if (r.facts.voids) voided.add(`${r.learner} ${r.facts.voids}`);
  /** @type {Record<string, Derived>} */
  const out = {};
  const rows = new Map();
  for (const r of byId.values()) {
    const f = r.facts;
    if (f.voids || voided.has(`${r.learner} ${r.id}`)) continue;
    const mine = (out[r.learner] ||= { lessons_completed: 0, lessons_verified: 0, seconds: 0, hours: 0, credits: 0, lessons: [] });
    mine.seconds += f.seconds;
    if (!f.lesson || !f.pack) continue;
    const key = JSON.stringify([r.learner, f.pack, f.lesson]);
    let row = rows.get(key);
    if (!row) {
      row = { learner: r.learner, pack: f.pack, lesson: f.lesson, completed: false, verified: false, best_score: null, seconds: 0, updated: null };
      rows.set(key, row);
    }
    if (isCompletion(f)) {
      row.completed = true;
      row.verified = row.verified || f.engagement !== null;
    }
    if (countsForScore(f)) row.best_score = row.best_score === null ? f.score : Math.max(row.best_score, f.score);
    row.seconds += f.seconds;
    if (typeof r.timestamp === 'string' && (row.updated === null || Date.parse(r.timestamp) > Date.parse(row.updated))) row.updated = r.timestamp;
  }
  const sorted = [...rows.values()].sort((a, b) => (a.pack === b.pack ? cmp(a.lesson, b.lesson) : cmp(a.pack, b.pack)));
  for (const { learner, ...row } of sorted) out[learner].lessons.push(row);
  for (const total of Object.values(out)) {
    // Hundredths of an hour, halves up, in integers: the county rounds alike.
    total.hours = Math.floor((total.seconds * 100 + 1800) / 3600) / 100;
    const verified = {};
    for (const row of total.lessons) {
      if (row.completed) total.lessons_completed += 1;
      if (row.verified) (verified[row.pack] ||= new Set()).add(row.lesson);
    }
    total.lessons_verified = Object.values(verified).reduce((n, s) => n + s.size, 0);
    let credits = 0;
    for (const [pack, rule] of Object.entries(packs)) {
      if (rule.lessons.length > 0 && rule.lessons.every((l) => verified[pack]?.has(l))) credits += Number(rule.credit_hours) || 0;
    }
    total.credits = Math.round(credits * 100) / 100;
  }
  return out;
}

function cmp(a, b) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
