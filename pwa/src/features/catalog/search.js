/**
 * Catalog categories and offline search. Owns the matching rules: a query
 * matches a pack by its title or description, or by a lesson title of its
 * installed manifest, in zh-CN and English alike (whatever the app language),
 * ignoring case and spaces. Nothing here needs the network. Also the filter
 * chips and search box, and the list of matching lessons.
 */
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { t, pick } from '../../lib/i18n.js';
import { tf, categoryName } from '../../lib/format.js';

/**
 * Lower-case and drop white space, so "Lesson 1" finds "lesson1" and 学 点 finds 学点.
 * @param {string} s
 * @returns {string}
 */
export function normalize(s) {
  return String(s || '').toLowerCase().replace(/\s+/g, '');
}

/**
 * Whether any language of a `{zh-CN, en}` text holds the (normalized) query.
 * @param {any} text
 * @param {string} q normalized query
 * @returns {boolean}
 */
export function textMatches(text, q) {
  const values = text && typeof text === 'object' ? Object.values(text) : [text];
  return values.some((v) => normalize(v).includes(q));
}

/**
 * The distinct categories of the listed packs, in first-seen order.
 * @param {any[]} packs catalog entries
 * @returns {string[]}
 */
export function categoriesOf(packs) {
  return [...new Set(packs.map((p) => p.category).filter(Boolean))];
}

/**
 * The catalog entries in a category and matching a query.
 * @param {any[]} packs catalog entries
 * @param {Record<string, any>} installed pack id → installed row
 * @param {{category: string | null, query: string}} filter
 * @returns {any[]}
 */
export function filterPacks(packs, installed, { category, query }) {
  const q = normalize(query);
  return packs.filter((entry) => {
    if (category && entry.category !== category) return false;
    if (!q) return true;
    if (textMatches(entry.title, q) || textMatches(entry.description, q)) return true;
    const lessons = installed[entry.pack_id]?.manifest?.lessons || [];
    return lessons.some((l) => textMatches(l.title, q));
  });
}

/**
 * Installed lessons whose title matches the query, in the chosen category.
 * @param {any[]} rows installed pack rows
 * @param {{category: string | null, query: string}} filter
 * @returns {{pack: any, lesson: any}[]}
 */
export function lessonHits(rows, { category, query }) {
  const q = normalize(query);
  if (!q) return [];
  const hits = [];
  for (const row of rows) {
    if (category && row.manifest.category !== category) continue;
    for (const lesson of row.manifest.lessons) if (textMatches(lesson.title, q)) hits.push({ pack: row, lesson });
  }
  return hits;
}

/**
 * Category chips and the search box.
 * @param {{categories: string[], category: string | null, query: string,
 *   onCategory: (c: string | null) => void, onQuery: (q: string) => void}} props
 * @returns {import('preact').VNode}
 */
export function Filters({ categories, category, query, onCategory, onQuery }) {
  const chip = (value, label, id) => html`
    <li key=${id}>
      <button type="button" class="chip" data-testid=${`cat-${id}`} aria-pressed=${category === value ? 'true' : 'false'}
        onClick=${() => onCategory(value)}>${label}</button>
    </li>`;
  return html`
    <div class="filters">
      <label class="search" for="catalog-search">${t('search.label')}</label>
      <input id="catalog-search" type="search" class="search-input" data-testid="catalog-search"
        placeholder=${t('search.placeholder')} value=${query} autocomplete="off"
        onInput=${(e) => onQuery(e.currentTarget.value)} />
      ${categories.length > 0 && html`
        <ul class="chips" role="list" aria-label=${t('cat.label')}>
          ${chip(null, t('cat.all'), 'all')}
          ${categories.map((c) => chip(c, categoryName(c), c))}
        </ul>`}
    </div>`;
}

/**
 * The lessons a search found, each a link into the lesson.
 * @param {{hits: {pack: any, lesson: any}[]}} props
 * @returns {import('preact').VNode | null}
 */
export function LessonHits({ hits }) {
  if (hits.length === 0) return null;
  return html`
    <section aria-labelledby="search-lessons-title" data-testid="search-lessons">
      <h3 id="search-lessons-title">${t('search.lessons')}</h3>
      <ul class="lessons">
        ${hits.map(({ pack, lesson }) => html`
          <li key=${`${pack.pack_id}/${lesson.id}`}>
            <a class="btn btn-row btn-secondary" href=${href('lesson', pack.pack_id, lesson.id)}
              data-testid=${`hit-${pack.pack_id}-${lesson.id}`}>
              <span>${pick(lesson.title)}<span class="meta">${` · ${pick(pack.manifest.title)}`}</span></span>
            </a>
          </li>`)}
      </ul>
    </section>`;
}

/**
 * A live line saying how many packs the search found (for screen readers too).
 * @param {{count: number, active: boolean, lessons: number}} props
 * @returns {import('preact').VNode}
 */
export function SearchCount({ count, active, lessons }) {
  return html`
    <p class="meta" role="status" data-testid="search-count" data-count=${count}>
      ${active ? (count + lessons === 0 ? t('search.none') : tf('search.count', { n: count })) : ''}
    </p>`;
}
