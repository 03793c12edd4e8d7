/**
 * A bar chart of lessons completed per week, drawn as inline SVG. Owns
 * nothing. Accessible: the SVG is `role="img"` with a one-sentence summary as
 * its label, and a visually hidden table carries the same numbers.
 */
import { html } from '../../app/html.js';
import { t, getLang } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

const W = 320;
const H = 160;
const BASE = 130;

function dayLabel(ms) {
  const d = new Date(ms);
  return getLang() === 'zh-CN' ? `${d.getMonth() + 1}/${d.getDate()}` : d.toLocaleDateString('en', { month: 'short', day: 'numeric' });
}

/**
 * @param {{weeks: {start: number, count: number}[]}} props
 * @returns {import('preact').VNode}
 */
export function WeeklyChart({ weeks }) {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const total = weeks.reduce((n, w) => n + w.count, 0);
  const slot = W / weeks.length;
  const list = weeks.map((w) => `${tf('learning.weekOf', { date: dayLabel(w.start) })} ${w.count}`).join(getLang() === 'zh-CN' ? '，' : ', ');
  const summary = tf('learning.chartSummary', { list, total });
  return html`
    <figure class="chart" data-testid="learning-chart" data-total=${total}>
      <figcaption id="chart-title">${t('learning.chart')}</figcaption>
      <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary} data-testid="chart-svg"
        preserveAspectRatio="xMidYMid meet">
        <line x1="0" y1=${BASE} x2=${W} y2=${BASE} stroke="currentColor" stroke-width="2" />
        ${weeks.map((w, i) => {
          const h = Math.round((w.count / max) * (BASE - 24));
          const x = i * slot + slot * 0.2;
          return html`
          <g key=${w.start}>
            <rect x=${x} y=${BASE - h} width=${slot * 0.6} height=${h} class="chart-bar"
              data-testid=${`chart-bar-${i}`} data-count=${w.count} />
            <text x=${x + slot * 0.3} y=${BASE - h - 6} text-anchor="middle" class="chart-num">${w.count}</text>
            <text x=${x + slot * 0.3} y=${BASE + 20} text-anchor="middle" class="chart-day">${dayLabel(w.start)}</text>
          </g>`;
        })}
      </svg>
      <div class="sr-only"><table data-testid="chart-table">
        <caption>${t('learning.chart')}</caption>
        <thead><tr><th scope="col">${t('learning.week')}</th><th scope="col">${t('learning.count')}</th></tr></thead>
        <tbody>
          ${weeks.map((w) => html`<tr key=${w.start}><th scope="row">${tf('learning.weekOf', { date: dayLabel(w.start) })}</th><td>${w.count}</td></tr>`)}
        </tbody>
      </table></div>
    </figure>`;
}
