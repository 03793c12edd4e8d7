/**
 * The 积分 block of "我的学分" in plain words: one line per ledger entry the feed stored
 * (lib/transport/credits.js `mergePoints`), saying what happened and when. Pure: no
 * storage, no DOM, so node tests run it (pwa/test/points.test.mjs).
 */

/** Why an entry was earned, for the rule kinds the county sets (points/models.py). */
const WHY = { 'lesson-completed': 'points.why.lesson', 'quiz-passed': 'points.why.quiz', 'event-attended': 'points.why.event' };

/**
 * The words of one ledger entry ("2026-12-02 学完一课，得到 10 分").
 * @param {{kind: string, points: number, reason: string, created: string | null}} e
 * @param {(key: string, vars?: Record<string, string | number>) => string} tf the catalog's formatter
 * @returns {string}
 */
export function pointsLine(e, tf) {
  const vars = { date: (e.created || '').slice(0, 10), n: Math.abs(e.points) };
  if (e.kind === 'earn') return tf(WHY[e.reason] || 'points.earned', vars);
  if (e.kind === 'redeem') return tf('points.redeemed', vars);
  if (e.kind === 'expire') return tf('points.expired', vars);
  // A reversal takes back what was earned by a record voided since, or gives back a spend.
  return tf(e.points < 0 ? 'points.reversed' : 'points.returned', vars);
}
