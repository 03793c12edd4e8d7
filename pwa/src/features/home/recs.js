/**
 * The recommendations block on the home screen, and the one switch that turns
 * them off (settings.recommendations, lib/settings.js). Owns nothing durable:
 * the rules are lib/recommend.js, fed with the learner's history and the last
 * verified catalog, so it works offline and nothing leaves the phone.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { loadCatalog } from '../../lib/packs/catalog.js';
import { recommend } from '../../lib/learner/recommend.js';
import { setSettings } from '../../lib/settings.js';
import { useSettings } from '../../app/external.js';
import { t, pick } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

/**
 * @param {{history: import('../../lib/learner/history.js').History}} props
 * @returns {import('preact').VNode}
 */
export function Recommendations({ history }) {
  const on = useSettings().recommendations !== false;
  const [catalog, setCatalog] = useState(/** @type {any[]} */ ([]));
  useEffect(() => {
    if (!on) return undefined;
    let live = true;
    loadCatalog().then((v) => live && setCatalog(v.catalog.packs || [])).catch(() => {});
    return () => {
      live = false;
    };
  }, [on]);

  const recs = on
    ? recommend({ installed: history.packs, catalog, completed: history.completed, interests: history.interests })
    : [];
  return html`
    <section class="home-block recs" aria-labelledby="rec-title" data-testid="recs">
      <h2 id="rec-title">${t('rec.title')}</h2>
      <div class="switch-row">
        <button type="button" role="switch" class="switch" aria-checked=${on ? 'true' : 'false'}
          aria-describedby="rec-hint" data-testid="rec-switch"
          onClick=${() => setSettings({ recommendations: !on })}>
          <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
          <span>${t('rec.switch')}</span>
        </button>
      </div>
      <p id="rec-hint" class="meta">${t('rec.switchHint')}</p>
      ${!on && html`<p data-testid="rec-off">${t('rec.off')}</p>`}
      ${on && recs.length === 0 && html`<p data-testid="rec-none">${t('rec.none')}</p>`}
      ${on && recs.length > 0 && html`
        <ul class="cards" data-testid="rec-list">
          ${recs.map((r) => {
            const link = r.kind === 'next' ? href('lesson', r.pack, r.lesson) : '#/catalog';
            const title = r.kind === 'next' ? pick(r.lessonTitle) : pick(r.title);
            const verb = r.kind === 'next' ? t('rec.open') : t('rec.see');
            return html`
            <li key=${r.pack} class="card" data-testid=${`rec-${r.pack}`} data-kind=${r.kind}>
              <h3>${title}</h3>
              <p class="reason" data-testid="rec-reason">${tf(r.reason, r.vars)}</p>
              <a class="btn" href=${link} aria-label=${`${verb} · ${title}`}>${verb}</a>
            </li>`;
          })}
        </ul>`}
    </section>`;
}
