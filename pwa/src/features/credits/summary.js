/**
 * What "我的学分" shows, worked out from one learner's stored credits (lib/transport/
 * credits.js): totals, credit hours and credits by year and course, certificates, the
 * credentials transferred from other counties, and pending outcomes with what each still
 * needs. Pure: no storage, no DOM, so node tests
 * run it (pwa/test/credits.test.mjs).
 */

const round = (n) => Math.round(n * 100) / 100;

/**
 * @typedef {{definition: number | null, title: string, hours: number, credits: number,
 *   certified: string | null, status: string, revoked: string | null, qr: string | null}} Outcome
 * @typedef {{need: string, count: number, score: number}} Need
 * @typedef {{definition: number | null, title: string, hours: number, credits: number, needs: Need[]}} Pending
 * @typedef {{title: string, county: string, hours: number, credits: number, accepted: string | null}} Transfer
 */

/**
 * Summarize one learner's credits: the totals count certified outcomes and transfers; the
 * years and courses, certified outcomes only.
 * @param {{outcomes?: Outcome[], pending?: Pending[], transfers?: Transfer[]} | undefined} entry
 * @returns {{hours: number, credits: number,
 *   years: {year: string, hours: number, credits: number, courses: {title: string, hours: number, credits: number}[]}[],
 *   certified: Outcome[], revoked: Outcome[], transferred: Transfer[], pending: Pending[]}}
 */
export function summarize(entry) {
  const outcomes = entry?.outcomes || [];
  const certified = outcomes.filter((o) => o.status === 'certified');
  const years = new Map();
  let hours = 0;
  let credits = 0;
  for (const o of certified) {
    hours += o.hours;
    credits += o.credits;
    const year = (o.certified || '').slice(0, 4) || '—';
    const row = years.get(year) || { year, hours: 0, credits: 0, courses: new Map() };
    row.hours += o.hours;
    row.credits += o.credits;
    const course = row.courses.get(o.title) || { title: o.title, hours: 0, credits: 0 };
    course.hours += o.hours;
    course.credits += o.credits;
    row.courses.set(o.title, course);
    years.set(year, row);
  }
  const transferred = [...(entry?.transfers || [])].sort((a, b) => (b.accepted || '').localeCompare(a.accepted || ''));
  for (const x of transferred) {
    hours += x.hours;
    credits += x.credits;
  }
  const byYear = [...years.values()]
    .sort((a, b) => b.year.localeCompare(a.year))
    .map((y) => ({
      year: y.year,
      hours: round(y.hours),
      credits: round(y.credits),
      courses: [...y.courses.values()].map((c) => ({ ...c, hours: round(c.hours), credits: round(c.credits) })),
    }));
  const newest = (a, b) => (b.certified || '').localeCompare(a.certified || '');
  return {
    hours: round(hours),
    credits: round(credits),
    years: byYear,
    certified: [...certified].sort(newest),
    revoked: outcomes.filter((o) => o.status !== 'certified').sort(newest),
    transferred,
    pending: entry?.pending || [],
  };
}

/**
 * The plain words for what a pending outcome still needs ("还差 2 课", "测验需 60 分").
 * @param {Need[]} needs
 * @param {(key: string, vars?: Record<string, string | number>) => string} tf the catalog's formatter
 * @returns {string[]}
 */
export function needWords(needs, tf) {
  return needs.map((n) => {
    if (n.need === 'lessons') return tf('credits.need.lessons', { n: n.count });
    if (n.need === 'quiz') return tf('credits.need.quiz', { score: Math.round(n.score) });
    if (n.need === 'events') return tf('credits.need.events', { n: n.count });
    return tf('credits.need.unpublished');
  });
}
