/**
 * Where a plaque's address lands (`/?site=<pack>/<site>`, turned into
 * `#/site/<pack>/<site>` by the shell): with the pack installed, the site's
 * lesson opens at once, offline too; without it, the screen offers the pack's
 * download from the catalog and opens the lesson when it is installed. Owns
 * nothing.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { installedPack, downloadManager } from '../../lib/packs/packs.js';
import { loadCatalog, formatSize } from '../../lib/packs/catalog.js';
import { t, pick, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

/** Open a site's lesson in place of this screen, so "back" does not come here again. */
function openLesson(manifest, siteId) {
  const site = manifest.route?.sites.find((s) => s.id === siteId);
  if (!site) return false;
  location.replace(href('lesson', manifest.pack_id, site.lesson));
  return true;
}

/**
 * @param {{route: {packId: string, siteId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function SiteScreen({ route }) {
  const { packId, siteId } = route;
  // 'looking' | 'unknown-site' | 'offer' | 'downloading' | 'offline'
  const [state, setState] = useState('looking');
  const [entry, setEntry] = useState(/** @type {any} */ (null));
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    (async () => {
      const row = await installedPack(packId).catch(() => null);
      if (row) {
        if (!openLesson(row.manifest, siteId) && live) setState('unknown-site');
        return;
      }
      const view = await loadCatalog().catch(() => null);
      const found = view?.catalog.packs.find((p) => p.pack_id === packId);
      if (!live) return;
      setEntry(found || null);
      setState(found ? 'offer' : 'offline');
    })();
    return () => {
      live = false;
    };
  }, [packId, siteId]);
  useEffect(() => {
    if (state !== 'downloading') return undefined;
    let off = () => {};
    downloadManager().then((dm) => {
      off = dm.subscribe((s) => {
        if (s.pack_id !== packId) return;
        if (s.state === 'installed') installedPack(packId).then((row) => row && openLesson(row.manifest, siteId));
        if (s.state === 'failed') setError(errorText(s.error || 'network-offline'));
      });
    });
    return () => off();
  }, [state]);
  const download = async () => {
    setError('');
    setState('downloading');
    try {
      await (await downloadManager()).start(entry);
    } catch (err) {
      setError(errorText(/** @type {any} */ (err)?.code || 'network-offline'));
      setState('offer');
    }
  };
  if (state === 'looking') return html`<p class="muted">${t('lesson.loading')}</p>`;
  if (state === 'unknown-site') {
    return html`
      <p data-testid="site-unknown">${t('site.unknown')}</p>
      <a class="btn" href=${href('route', packId)}>${t('site.openRoute')}</a>`;
  }
  if (state === 'offline' || !entry) {
    return html`
      <p data-testid="site-offline">${t('site.needPack')}</p>
      <p>${t('site.connect')}</p>
      <a class="btn btn-secondary" href="#/catalog">${t('pack.goCatalog')}</a>`;
  }
  return html`
    <h2>${pick(entry.title)}</h2>
    <p data-testid="site-offer">${t('site.needPack')}</p>
    <button type="button" class="btn btn-big" data-testid="site-download" disabled=${state === 'downloading'} onClick=${download}>
      ${state === 'downloading' ? t('site.downloading') : tf('site.download', { size: formatSize(entry.size) })}
    </button>
    ${error && html`<p class="error" role="alert">${error}</p>`}`;
}
