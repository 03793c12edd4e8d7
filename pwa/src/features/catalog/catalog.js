/**
 * The catalog screen. Owns per-screen state only: which packs are
 * downloading, their progress and errors. The catalog itself comes from
 * lib/catalog.js and installs go through lib/packs.js.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { loadCatalog, formatSize } from '../../lib/catalog.js';
import { installPack, installedPacks, askPersistence } from '../../lib/packs.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText } from '../../lib/i18n.js';

function PackCard({ entry, installed, job, onDownload }) {
  const id = entry.pack_id;
  const busy = job?.state === 'running';
  const upToDate = installed && installed.version >= entry.version;
  const title = pick(entry.title);
  const verb = busy ? t('catalog.downloading') : installed ? t('catalog.update') : t('catalog.download');
  return html`
    <li class="card" data-testid=${`pack-${id}`}>
      <h3>${title}</h3>
      ${entry.description && html`<p>${pick(entry.description)}</p>`}
      <p class="meta">
        <span data-testid=${`size-${id}`}>${t('catalog.size')} ${formatSize(entry.size)}</span>
        ${entry.credit_hours ? html` · ${t('catalog.credits')} ${entry.credit_hours}` : ''}
        ${upToDate && html` · <strong data-testid=${`installed-${id}`}>${t('catalog.installed')}</strong>`}
      </p>
      ${busy && html`
        <progress data-testid=${`progress-${id}`} max=${job.total || 1} value=${job.done}
          aria-label=${`${t('catalog.downloading')} ${title}`}></progress>`}
      ${job?.state === 'error' && html`
        <p class="error" role="alert" data-testid=${`error-${id}`}>${errorText(job.code)}</p>`}
      <div class="actions">
        ${!upToDate && html`
          <button type="button" class="btn" data-testid=${`download-${id}`} disabled=${busy}
            aria-label=${`${verb} ${formatSize(entry.size)} · ${title}`}
            onClick=${() => onDownload(entry)}>${verb} ${formatSize(entry.size)}</button>`}
        ${installed && html`
          <a class="btn btn-secondary" href=${href('pack', id)} data-testid=${`open-${id}`}
            aria-label=${`${t('catalog.open')} · ${title}`}>${t('catalog.open')}</a>`}
      </div>
    </li>`;
}

function StorageLine() {
  const [text, setText] = useState('');
  useEffect(() => {
    navigator.storage?.estimate?.().then((e) => {
      if (e?.quota) setText(`${t('catalog.storage')} ${formatSize(e.usage || 0)} / ${formatSize(e.quota)}`);
    }).catch(() => {});
  }, []);
  return text ? html`<p class="muted" data-testid="storage-estimate">${text}</p>` : null;
}

/**
 * Catalog screen (route `#/`).
 * @returns {import('preact').VNode}
 */
export default function CatalogScreen() {
  const [view, setView] = useState(/** @type {any} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [installed, setInstalled] = useState(/** @type {Record<string, any>} */ ({}));
  const [jobs, setJobs] = useState(/** @type {Record<string, any>} */ ({}));
  const [persistNote, setPersistNote] = useState(false);

  const refreshInstalled = async () => {
    const rows = await installedPacks().catch(() => []);
    setInstalled(Object.fromEntries(rows.map((r) => [r.pack_id, r])));
  };
  const load = () => {
    setLoadError(null);
    loadCatalog().then(setView).catch((err) => setLoadError(errorCode(err)));
  };
  useEffect(() => {
    load();
    refreshInstalled();
  }, []);

  const setJob = (id, job) => setJobs((all) => ({ ...all, [id]: job }));
  const download = async (entry) => {
    const id = entry.pack_id;
    const firstPack = Object.keys(installed).length === 0;
    setJob(id, { state: 'running', done: 0, total: entry.size || 0 });
    try {
      await installPack(entry, (done, total) => setJob(id, { state: 'running', done, total }));
      setJob(id, { state: 'done' });
      await refreshInstalled();
      // Persistence is asked once there is something worth keeping.
      if (firstPack && (await askPersistence().catch(() => null)) === false) setPersistNote(true);
    } catch (err) {
      setJob(id, { state: 'error', code: errorCode(err) });
    }
  };

  if (loadError) {
    return html`
      <h2>${t('catalog.title')}</h2>
      <p class="error" role="alert" data-testid="catalog-error">${errorText(loadError)}</p>
      <button type="button" class="btn" onClick=${load}>${t('error.retry')}</button>`;
  }
  if (!view) return html`<h2>${t('catalog.title')}</h2><p class="muted">${t('catalog.loading')}</p>`;
  const packs = view.catalog.packs || [];
  return html`
    <h2>${t('catalog.title')}</h2>
    ${view.fromCache && html`<p class="warn" data-testid="catalog-offline">${t('catalog.offline')}</p>`}
    ${view.expired && html`<p class="warn" data-testid="catalog-expired">${t('catalog.expired')}</p>`}
    ${persistNote && html`<p class="warn">${t('catalog.persistDenied')}</p>`}
    ${packs.length === 0 && html`<p>${t('catalog.empty')}</p>`}
    <ul class="cards" data-testid="catalog">
      ${packs.map((entry) => html`
        <${PackCard} key=${entry.pack_id} entry=${entry} installed=${installed[entry.pack_id]}
          job=${jobs[entry.pack_id]} onDownload=${download} />`)}
    </ul>
    <${StorageLine} />`;
}
