/**
 * The home screen (route `#/`): continue where I stopped, my installed packs
 * with their progress, a sync summary, the inbox badge (unread count, links
 * `#/inbox`), the recommendations (recs.js) and the phone's learning point
 * (features/point). Owns per-screen state only;
 * it re-reads on feed, outbox and profile changes.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { useSyncState } from '../../app/external.js';
import { getAll } from '../../lib/storage/db.js';
import { onFeedChange } from '../../lib/transport/feed.js';
import { learnerHistory } from '../../lib/learner/history.js';
import { lastLesson } from '../../lib/learner/last-lesson.js';
import { t, pick } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { Recommendations } from './recs.js';
import { nextUnfinished } from '../lesson/next.js';
import { useLearnerData } from '../learner-data.js';
import PointStatus from '../point/point.js';
import { ExportOffer } from '../export/offer.js';
import { FirstRun } from '../profiles/first-run.js';

/**
 * The lesson to continue with: after the last one opened, the next unfinished one in its
 * pack (the same one while it is unfinished); with none opened, the first unfinished
 * lesson of the installed packs. Null when everything installed is done.
 */
export function continueWith(last, history) {
  const row = last && history.packs.find((p) => p.pack_id === last.pack);
  if (row) {
    const done = history.completed[row.pack_id];
    const same = row.manifest.lessons.find((l) => l.id === last.lesson);
    if (same && !done?.has(same.id)) return { row, lesson: same };
    const lesson = nextUnfinished(row.manifest, done, last.lesson);
    if (lesson) return { row, lesson };
  }
  for (const other of history.packs) {
    const lesson = nextUnfinished(other.manifest, history.completed[other.pack_id]);
    if (lesson) return { row: other, lesson };
  }
  return null;
}

function Continue({ last, history }) {
  const next = continueWith(last, history);
  if (!next) {
    const key = history.packs.length === 0 ? 'home.nextNone' : 'home.nextDone';
    return html`
      <section class="home-block" aria-labelledby="home-continue-title">
        <h2 id="home-continue-title">${t('home.continue')}</h2>
        <p class="home-next" data-testid="home-next">${t(key)}</p>
        <a class="btn" href="#/catalog" data-testid="home-go-catalog">${t('home.goCatalog')}</a>
      </section>`;
  }
  const { row, lesson } = next;
  const label = tf('home.continueLabel', { lesson: lesson.title, pack: row.manifest.title });
  return html`
    <section class="home-block" aria-labelledby="home-continue-title">
      <h2 id="home-continue-title">${t('home.continue')}</h2>
      <p class="home-next" data-testid="home-next">${tf('home.nextLesson', { lesson: lesson.title, pack: row.manifest.title })}</p>
      <a class="btn btn-big continue" href=${href('lesson', row.pack_id, lesson.id)} aria-label=${label}
        data-testid="home-continue" data-pack=${row.pack_id} data-lesson=${lesson.id}>
        <span class="continue-lesson">${pick(lesson.title) || lesson.id}</span>
        <span class="continue-pack">${pick(row.manifest.title)}</span>
      </a>
    </section>`;
}

function MyPacks({ history }) {
  const packs = history?.packs || [];
  return html`
    <section class="home-block" aria-labelledby="home-packs-title">
      <h2 id="home-packs-title">${t('home.myPacks')}</h2>
      ${packs.length === 0 && html`<p data-testid="home-no-packs">${t('home.noPacks')}</p>`}
      <ul class="cards">
        ${packs.map((row) => {
          const lessons = row.manifest.lessons;
          const done = lessons.filter((l) => history.completed[row.pack_id]?.has(l.id)).length;
          const pct = lessons.length ? Math.round((done / lessons.length) * 100) : 0;
          const text = tf('pack.progress', { done, total: lessons.length });
          return html`
          <li key=${row.pack_id} class="card" data-testid=${`home-pack-${row.pack_id}`}>
            <a class="card-link" href=${href('pack', row.pack_id)}>${pick(row.manifest.title) || row.pack_id}</a>
            <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}
              aria-valuetext=${text} aria-label=${`${pick(row.manifest.title)} · ${text}`}>
              <span class="bar-fill" style=${{ width: `${pct}%` }}></span>
            </div>
            <p class="meta" data-testid=${`home-progress-${row.pack_id}`} data-done=${done}>${text}</p>
          </li>`;
        })}
      </ul>
    </section>`;
}

function SyncSummary() {
  const s = useSyncState();
  if (s.pending === null) return null;
  return html`
    <p class="home-sync" data-testid="home-sync" data-pending=${s.pending}>
      ${s.pending > 0 ? tf('home.syncLine', { n: s.pending }) : t('home.syncDone')}
    </p>`;
}

function InboxBadge() {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    const load = () => getAll('inbox').then((rows) => setUnread(rows.filter((m) => !m.read).length)).catch(() => {});
    load();
    return onFeedChange(load);
  }, []);
  const text = unread > 0 ? tf('home.inboxUnread', { n: unread }) : t('home.inboxNone');
  return html`
    <a class="btn btn-secondary inbox-link" href="#/inbox" data-testid="home-inbox" data-count=${unread}
      aria-label=${`${t('home.inbox')} · ${text}`}>
      <span>${t('home.inbox')}</span>
      ${unread > 0 && html`<span class="count-badge" aria-hidden="true" data-testid="home-inbox-count">${unread}</span>`}
    </a>`;
}

/**
 * Home screen (route `#/`).
 * @returns {import('preact').VNode}
 */
export default function HomeScreen() {
  const [history, setHistory] = useState(/** @type {any} */ (null));
  const [last, setLast] = useState(/** @type {any} */ (null));
  useEffect(() => {
    // The pack store is not the first screen's code: fetched after it, not before it.
    import('../../lib/packs/packs.js').then((m) => m.resumeDownloads()).catch(() => {});
  }, []);
  useLearnerData(() => {
    learnerHistory().then(setHistory).catch(() => {});
    lastLesson().then(setLast).catch(() => {});
  });
  return html`
    <h1 class="sr-only">${t('home.title')}</h1>
    <div class="home-bar">
      <${SyncSummary} />
      <${InboxBadge} />
    </div>
    ${history && html`<${Continue} last=${last} history=${history} />`}
    <${FirstRun} />
    <${ExportOffer} />
    ${history && html`<${MyPacks} history=${history} />`}
    ${history && html`<${Recommendations} history=${history} />`}
    <${PointStatus} />
    <p><a class="btn btn-secondary" href="#/learning" data-testid="home-learning">${t('home.learning')}</a></p>
    <p><a class="btn btn-secondary" href="#/scan" data-testid="home-scan">${t('home.scan')}</a></p>`;
}
