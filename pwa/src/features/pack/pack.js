/**
 * The pack screen: the lessons of one installed pack, how many the learner has
 * completed ("已学完 3/10 课"), a tick on each one done, its credit hours and a
 * "take the quiz" link under each lesson that has a quiz. Owns nothing; it reads
 * the pack's verified manifest from the `packs` store and the learner's
 * progress from lib/progress.js (the county's, merged with local records).
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { installedPack, resumeDownloads } from '../../lib/packs/packs.js';
import { packProgress } from '../../lib/learner/progress.js';
import { onFeedChange } from '../../lib/transport/feed.js';
import { onOutboxChange } from '../../lib/outbox/queue.js';
import { t, pick } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

/**
 * @param {{route: {packId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function PackScreen({ route }) {
  const [row, setRow] = useState(/** @type {any} */ (undefined));
  const [done, setDone] = useState(/** @type {Set<string>} */ (new Set()));
  // Progress is read after the first render; tests wait for data-loaded before reading it.
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    resumeDownloads().catch(() => {});
  }, []);
  useEffect(() => {
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId]);
  useEffect(() => {
    let live = true;
    const load = () =>
      packProgress(route.packId)
        .then((p) => {
          if (!live) return;
          setDone(p.completed);
          setLoaded(true);
        })
        .catch(() => {});
    load();
    const offFeed = onFeedChange(load);
    const offOutbox = onOutboxChange(load);
    return () => {
      live = false;
      offFeed();
      offOutbox();
    };
  }, [route.packId]);
  if (row === undefined) return html`<p class="muted">${t('lesson.loading')}</p>`;
  if (row === null) {
    return html`
      <p><a class="back" href="#/">${t('nav.back')}</a></p>
      <p data-testid="pack-missing">${t('pack.notInstalled')}</p>
      <a class="btn" href="#/catalog">${t('pack.goCatalog')}</a>`;
  }
  const m = row.manifest;
  const count = m.lessons.filter((lesson) => done.has(lesson.id)).length;
  const progress = t('pack.progress').replace('{done}', String(count)).replace('{total}', String(m.lessons.length));
  return html`
    <p><a class="back" href="#/">${t('nav.back')}</a></p>
    <h2 data-testid="pack-title">${pick(m.title) || m.pack_id}</h2>
    ${m.description && html`<p>${pick(m.description)}</p>`}
    ${m.publisher && html`<p class="meta" data-testid="pack-source">${tf('pack.source', { name: pick(m.publisher) })}</p>`}
    <p class="progress-line" data-testid="pack-progress" data-done=${count} data-loaded=${loaded ? 'true' : 'false'}>${progress}</p>
    ${m.route && html`<a class="btn btn-big" href=${href('route', m.pack_id)} data-testid="open-route">${t('route.open')}</a>`}
    ${m.credit_hours > 0 && html`<p class="meta" data-testid="pack-credits">${tf('pack.credits', { n: m.credit_hours })}</p>`}
    <h3>${t('pack.lessons')}</h3>
    <ol class="lessons">
      ${m.lessons.map((lesson) => {
        const isDone = done.has(lesson.id);
        return html`
        <li key=${lesson.id}>
          <a class=${isDone ? 'btn btn-row is-done' : 'btn btn-row'} href=${href('lesson', m.pack_id, lesson.id)}
            data-testid=${`lesson-${lesson.id}`} data-done=${isDone ? 'true' : 'false'}>
            ${isDone && html`<span class="tick" aria-hidden="true" data-testid=${`done-${lesson.id}`}>✓</span>`}
            <span>${pick(lesson.title) || lesson.id}</span>
            ${isDone && html`<span class="sr-only">${` · ${t('pack.done')}`}</span>`}
          </a>
          ${lesson.quiz?.length > 0 && html`
            <a class="btn btn-secondary quiz-link" href=${href('quiz', m.pack_id, lesson.id)}
              data-testid=${`quiz-${lesson.id}`} aria-label=${tf('pack.quizLabel', { lesson: lesson.title })}>${t('pack.quiz')}</a>`}
        </li>`;
      })}
    </ol>`;
}
