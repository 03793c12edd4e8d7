/**
 * My learning (route `#/learning`): hours, lessons and courses completed,
 * credits, and a chart of lessons completed per week over the last 8 weeks.
 * Owns nothing: the numbers come from lib/history.js, the county's totals
 * merged with the records still waiting on the phone. Opening it fetches the
 * scanner (route/warm.js), so an event's code can be scanned offline later.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { getSyncState } from '../../app/status.js';
import { learnerHistory, weeklyCounts } from '../../lib/learner/history.js';
import { t, pick } from '../../lib/i18n.js';
import { useLearnerData } from '../learner-data.js';
import { WeeklyChart } from './chart.js';
import { studyTime } from './study-time.js';
import { warmScanner } from '../route/warm.js';

function Stat({ id, label, value, raw }) {
  return html`
    <div class="stat">
      <dt>${label}</dt>
      <dd data-testid=${`learning-${id}`} data-value=${raw ?? value}>${value}</dd>
    </div>`;
}

/**
 * @returns {import('preact').VNode}
 */
export default function LearningScreen() {
  const [history, setHistory] = useState(/** @type {any} */ (null));
  useLearnerData(() => learnerHistory().then(setHistory).catch(() => {}));
  // Events are checked in with the scanner, offline: fetch it while there is a network.
  useEffect(() => {
    warmScanner();
  }, []);
  if (!history) return html`<p class="muted">${t('lesson.loading')}</p>`;
  const { totals } = history;
  const weeks = weeklyCounts(history.completedAt, Date.now());
  const pending = (getSyncState().pending || 0) > 0;
  return html`
    <h2>${t('learning.title')}</h2>
    <dl class="stats">
      <${Stat} id="lessons" label=${t('learning.lessons')} value=${totals.lessons} />
      <${Stat} id="hours" label=${t('learning.hours')} value=${studyTime(totals.hours, totals.lessons > 0)} raw=${totals.hours} />
      <${Stat} id="credits" label=${t('learning.credits')} value=${totals.credits} />
      <${Stat} id="packs" label=${t('learning.packs')} value=${history.packsDone.length} />
    </dl>
    ${pending && html`<p class="meta">${t('learning.pending')}</p>`}
    <p><a class="btn btn-secondary" href="#/scan" data-testid="learning-scan">${t('home.scan')}</a></p>
    <${WeeklyChart} weeks=${weeks} />
    <h3>${t('learning.packsList')}</h3>
    ${history.packsDone.length === 0
      ? html`<p data-testid="learning-packs-none">${t('learning.packsNone')}</p>`
      : html`<ul class="done-packs">
          ${history.packsDone.map((row) => html`
            <li key=${row.pack_id} data-testid=${`learning-done-${row.pack_id}`}>
              <a href=${href('pack', row.pack_id)}>${pick(row.manifest.title)}</a>
            </li>`)}
        </ul>`}`;
}
