/**
 * The route screen of a route pack: the pack's schematic map with a numbered
 * marker per site, then the same sites as a list (photo, name, short audio),
 * each opening its lesson. Owns nothing; it reads the installed manifest's
 * `route` (docs/protocol.md). Opening it also fetches the scanner into the
 * service worker's cache, so the scanner works offline from then on.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { installedPack, contentUrl } from '../../lib/packs/packs.js';
import { t, pick } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { warmScanner } from './warm.js';

/**
 * @param {{route: {packId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function RouteScreen({ route }) {
  const [row, setRow] = useState(/** @type {any} */ (undefined));
  useEffect(() => {
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId]);
  useEffect(() => {
    warmScanner();
  }, []);
  if (row === undefined) return html`<p class="muted">${t('lesson.loading')}</p>`;
  const m = row?.manifest;
  if (!m?.route) {
    return html`
      <p data-testid="route-missing">${t('pack.notInstalled')}</p>
      <a class="btn" href="#/catalog">${t('pack.goCatalog')}</a>`;
  }
  const url = (path) => contentUrl(m.pack_id, m.version, path);
  const sites = m.route.sites;
  return html`
    <h2 data-testid="route-title">${tf('route.title', { pack: pick(m.title) || m.pack_id })}</h2>
    <p>${t('route.hint')}</p>
    <div class="route-map" data-testid="route-map">
      <img src=${url(m.route.map)} alt=${t('route.mapAlt')} />
      ${sites.map((site, i) => html`
        <a key=${site.id} class="route-marker" href=${href('lesson', m.pack_id, site.lesson)}
          style=${{ left: `${site.x * 100}%`, top: `${site.y * 100}%` }}
          aria-label=${`${i + 1}. ${pick(site.title)}`} data-testid=${`marker-${site.id}`}>${i + 1}</a>`)}
    </div>
    <a class="btn btn-secondary" href=${href('scan', m.pack_id)} data-testid="open-scan">${t('route.scan')}</a>
    <h3>${t('route.sites')}</h3>
    <ol class="route-sites">
      ${sites.map((site, i) => html`
        <li key=${site.id}>
          <a class="btn btn-row route-site" href=${href('lesson', m.pack_id, site.lesson)} data-testid=${`site-${site.id}`}>
            <span class="route-number" aria-hidden="true">${i + 1}</span>
            <img src=${url(site.photo)} alt="" />
            <span>${pick(site.title)}</span>
          </a>
          <audio controls preload="none" src=${url(site.audio)} aria-label=${tf('route.listen', { site: pick(site.title) })}></audio>
        </li>`)}
    </ol>`;
}
