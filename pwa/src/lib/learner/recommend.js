/**
 * Recommendations, computed on the phone only. A pure module (no imports, no
 * storage, no network), so it runs and is tested anywhere. It owns the rules:
 *
 * 1. `next`: the next lesson of a pack the learner has started but not finished
 *    (the first lesson, in manifest order, not completed yet).
 * 2. `finished`: packs of the same category as a pack the learner finished,
 *    listed in the catalog and not installed yet ("because you finished X").
 * 3. `interest`: listed packs not installed yet that match a topic the learner
 *    asked for ("I want to learn…"): same category, or the topic's words in the
 *    title or description, in either language.
 *
 * Each recommendation carries its reason as a message key and the values for
 * it; the screen turns them into text. A pack is recommended once, for the
 * first reason found.
 */

/**
 * @typedef {Record<string, string> | string} Localized
 * @typedef {object} Recommendation
 * @property {'next' | 'finished' | 'interest'} kind
 * @property {string} pack pack id
 * @property {Localized} title the pack's title
 * @property {string} [lesson] the lesson to open (kind `next`)
 * @property {Localized} [lessonTitle]
 * @property {string} reason message key of the reason
 * @property {Record<string, Localized | string | number>} vars values for the reason
 */

const texts = (value) => (value && typeof value === 'object' ? Object.values(value) : [value || ''])
  .map((s) => String(s).toLowerCase());

/**
 * Whether a catalog entry matches an asked topic.
 * @param {any} entry
 * @param {{topic: string, category?: string}} interest
 * @returns {boolean}
 */
export function matchesInterest(entry, interest) {
  if (interest.category && entry.category === interest.category) return true;
  const words = String(interest.topic || '').toLowerCase().split(/[\s,，、。;；]+/).filter((w) => w.length > 0);
  if (words.length === 0) return false;
  const hay = [...texts(entry.title), ...texts(entry.description), String(entry.category || '').toLowerCase()];
  return words.some((w) => hay.some((h) => h.includes(w)));
}

/**
 * @param {object} input
 * @param {any[]} input.installed installed pack rows ({pack_id, manifest})
 * @param {any[]} input.catalog catalog entries ({pack_id, title, description, category})
 * @param {Record<string, Set<string> | string[]>} input.completed pack id → completed lesson ids
 * @param {{topic: string, category?: string}[]} [input.interests]
 * @param {number} [input.limit]
 * @returns {Recommendation[]}
 */
export function recommend({ installed, catalog, completed, interests = [], limit = 5 }) {
  /** @type {Recommendation[]} */
  const out = [];
  const seen = new Set();
  const installedIds = new Set(installed.map((r) => r.pack_id));
  const doneIn = (id) => new Set(completed[id] || []);
  const push = (rec) => {
    if (seen.has(rec.pack) || out.length >= limit) return;
    seen.add(rec.pack);
    out.push(rec);
  };

  const finished = [];
  for (const row of installed) {
    const lessons = row.manifest?.lessons || [];
    const done = doneIn(row.pack_id);
    const count = lessons.filter((l) => done.has(l.id)).length;
    if (lessons.length > 0 && count === lessons.length) {
      finished.push(row);
      continue;
    }
    if (count === 0) continue;
    const next = lessons.find((l) => !done.has(l.id));
    push({
      kind: 'next',
      pack: row.pack_id,
      title: row.manifest.title,
      lesson: next.id,
      lessonTitle: next.title,
      reason: 'rec.reason.next',
      vars: { pack: row.manifest.title, done: count, total: lessons.length },
    });
  }

  const candidates = catalog.filter((e) => e && !installedIds.has(e.pack_id));
  for (const row of finished) {
    const category = row.manifest.category;
    if (!category) continue;
    for (const entry of candidates) {
      if (entry.category !== category) continue;
      push({
        kind: 'finished',
        pack: entry.pack_id,
        title: entry.title,
        reason: 'rec.reason.finished',
        vars: { pack: row.manifest.title },
      });
    }
  }

  for (const interest of interests) {
    for (const entry of candidates) {
      if (!matchesInterest(entry, interest)) continue;
      push({
        kind: 'interest',
        pack: entry.pack_id,
        title: entry.title,
        reason: 'rec.reason.interest',
        vars: { topic: interest.topic },
      });
    }
  }
  return out;
}
