/**
 * A bar chart of lessons completed per week, drawn as inline SVG: one row per
 * week (its date, a bar, the count), so the labels can grow with the text
 * size (lib/settings.js textScale) and never crowd each other. Owns nothing.
 * Accessible: the SVG is `role="img"` with a one-sentence summary as its
 * label, and a visually hidden table carries the same numbers.
 */
import { html } from '../../app/html.js';
import { t, getLang } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { getSettings } from '../../lib/settings.js';

const W = 320;

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
  const list = weeks.map((w) => `${tf('learning.weekOf', { date: dayLabel(w.start) })} ${w.count}`).join(getLang() === 'zh-CN' ? '，' : ', ');
  const summary = tf('learning.chartSummary', { list, total });
  // The SVG is as wide as the screen (about 320 px at 360), so a unit is about a pixel:
  // the labels are as large as the body text at 100% and grow with it.
  const fs = 15 * getSettings().textScale;
  const row = Math.round(fs * 1.9);
  const label = Math.round(fs * 3.6);
  const num = Math.round(fs * 1.6);
  const room = W - label - num;
  const H = row * weeks.length + 4;
  return html`
    <figure class="chart" data-testid="learning-chart" data-total=${total}>
      <figcaption id="chart-title">${t('learning.chart')}</figcaption>
      <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary} data-testid="chart-svg"
        preserveAspectRatio="xMidYMid meet">
        <line x1=${label - 4} y1="0" x2=${label - 4} y2=${H} stroke="currentColor" stroke-width="2" />
        ${weeks.map((w, i) => {
          const width = Math.round((w.count / max) * (room - 8));
          const y = i * row + 2;
          const mid = y + row / 2;
          return html`
          <g key=${w.start}>
            <text x="0" y=${mid} dominant-baseline="central" font-size=${fs} class="chart-day">${dayLabel(w.start)}</text>
            <rect x=${label} y=${y + row * 0.15} width=${width} height=${row * 0.7} class="chart-bar"
              data-testid=${`chart-bar-${i}`} data-count=${w.count} />
            <text x=${label + width + 6} y=${mid} dominant-baseline="central" font-size=${fs} class="chart-num">${w.count}</text>
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
