/**
 * The catalog screen. Owns per-screen state only: the installed rows, the
 * download statuses it has heard of, the bytes updates still need, refusals
 * and the storage line, the chosen category and the search text (search.js:
 * category chips and offline search). Above the courses: the learner's totals
 * and the county's messages (inbox.js). The catalog comes from lib/catalog.js; downloads go
 * through lib/downloads.js, which is fetched only when there is one to show
 * or start.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { loadCatalog, formatSize, storageLeft } from '../../lib/packs/catalog.js';
import { installedPacks, isComplete, downloadManager as manager } from '../../lib/packs/packs.js';
import { getAll } from '../../lib/storage/db.js';
import { errorCode } from '../../lib/errors.js';
import { t, errorText } from '../../lib/i18n.js';
import { PackCard } from './pack-card.js';
import { Inbox, Totals } from './inbox.js';
import { Filters, LessonHits, SearchCount, categoriesOf, filterPacks, lessonHits } from './search.js';

function StorageLine({ storage }) {
  if (!storage) return null;
  return html`
    <p class="muted" data-testid="storage-estimate">
      <span data-testid="storage-left">${t('dl.storageLeft')} ${formatSize(storage.free)}</span>${' · '}
      ${t('dl.storageUsed')} ${formatSize(storage.usage)}
    </p>`;
}

const refusal = (err) => ({ code: errorCode(err), details: /** @type {any} */ (err)?.details || {} });

/**
 * Catalog screen (route `#/catalog`).
 * @returns {import('preact').VNode}
 */
export default function CatalogScreen() {
  const [view, setView] = useState(/** @type {any} */ (null));
  const [loadError, setLoadError] = useState(/** @type {string | null} */ (null));
  const [installed, setInstalled] = useState(/** @type {Record<string, any>} */ ({}));
  const [complete, setComplete] = useState(/** @type {Record<string, boolean>} */ ({}));
  const [statuses, setStatuses] = useState(/** @type {Record<string, any>} */ ({}));
  const [needed, setNeeded] = useState(/** @type {Record<string, number>} */ ({}));
  const [errors, setErrors] = useState(/** @type {Record<string, any>} */ ({}));
  const [storage, setStorage] = useState(/** @type {any} */ (null));
  const [persistNote, setPersistNote] = useState(false);
  const [category, setCategory] = useState(/** @type {string | null} */ (null));
  const [query, setQuery] = useState('');
  const live = useRef(true);

  const refreshStorage = () => storageLeft().then((s) => live.current && setStorage(s)).catch(() => {});
  const refreshInstalled = async () => {
    const rows = await installedPacks().catch(() => []);
    const done = await Promise.all(rows.map((r) => isComplete(r).catch(() => true)));
    if (!live.current) return;
    setInstalled(Object.fromEntries(rows.map((r) => [r.pack_id, r])));
    setComplete(Object.fromEntries(rows.map((r, i) => [r.pack_id, done[i]])));
  };
  const onStatus = (s) => {
    if (!live.current) return;
    setStatuses((all) => {
      const next = { ...all, [s.pack_id]: s };
      if (s.state === 'removed' || s.state === 'installed') delete next[s.pack_id];
      return next;
    });
    if (s.state !== 'running' && s.state !== 'waiting') refreshStorage();
    if (s.state === 'installed') {
      refreshInstalled();
      if (s.persisted === false) setPersistNote(true);
    }
  };
  /** Load the manager and follow it (once per screen). */
  const follow = useRef(/** @type {Promise<any> | null} */ (null));
  const unsubscribe = useRef(/** @type {(() => void) | null} */ (null));
  const withManager = () => {
    if (!follow.current) {
      follow.current = manager().then(async (m) => {
        unsubscribe.current = m.subscribe(onStatus);
        if (!live.current) unsubscribe.current();
        const list = await m.resumeAll();
        if (live.current) setStatuses(Object.fromEntries(list.map((s) => [s.pack_id, s])));
        return m;
      });
      follow.current.catch(() => {
        follow.current = null;
      });
    }
    return follow.current;
  };

  const load = () => {
    setLoadError(null);
    loadCatalog().then((v) => live.current && setView(v)).catch((err) => live.current && setLoadError(errorCode(err)));
  };
  useEffect(() => {
    live.current = true;
    load();
    refreshInstalled();
    refreshStorage();
    getAll('downloads').then((rows) => rows.length && withManager()).catch(() => {});
    return () => {
      live.current = false;
      unsubscribe.current?.();
    };
  }, []);

  // Updates and re-downloads show only the bytes still needed, which takes the new manifest.
  useEffect(() => {
    for (const entry of view?.catalog.packs || []) {
      const row = installed[entry.pack_id];
      if (!row || (row.version >= entry.version && complete[entry.pack_id] !== false)) continue;
      withManager()
        .then((m) => m.neededBytes(entry))
        .then((n) => live.current && setNeeded((all) => ({ ...all, [entry.pack_id]: n })))
        .catch(() => {});
    }
  }, [view, installed, complete]);

  const download = async (entry) => {
    const id = entry.pack_id;
    setErrors((all) => ({ ...all, [id]: null }));
    try {
      await (await withManager()).start(entry);
    } catch (err) {
      if (live.current) setErrors((all) => ({ ...all, [id]: refusal(err) }));
    }
    refreshStorage();
  };
  const act = (name) => async (id) => {
    setErrors((all) => ({ ...all, [id]: null }));
    try {
      await (await withManager())[name](id);
    } catch (err) {
      if (live.current) setErrors((all) => ({ ...all, [id]: refusal(err) }));
    }
  };

  const listed = view?.catalog.packs || [];
  const filter = { category, query };
  const hits = lessonHits(Object.values(installed), filter);
  const filters = html`
    <${Filters} categories=${categoriesOf(listed)} category=${category} query=${query}
      onCategory=${setCategory} onQuery=${setQuery} />`;
  if (loadError) {
    return html`
      <${Totals} />
      <${Inbox} />
      <h2>${t('catalog.title')}</h2>
      <p class="error" role="alert" data-testid="catalog-error">${errorText(loadError)}</p>
      ${filters}
      <${LessonHits} hits=${hits} />
      <button type="button" class="btn" onClick=${load}>${t('error.retry')}</button>
      <p><a class="btn btn-secondary" href="#/import" data-testid="go-import">${t('import.link')}</a></p>`;
  }
  if (!view) return html`<${Totals} /><${Inbox} /><h2>${t('catalog.title')}</h2><p class="muted">${t('catalog.loading')}</p>`;
  const packs = filterPacks(listed, installed, filter);
  const searching = Boolean(query.trim()) || category !== null;
  return html`
    <${Totals} />
    <${Inbox} />
    <h2>${t('catalog.title')}</h2>
    ${view.fromCache && html`<p class="warn" data-testid="catalog-offline">${t('catalog.offline')}</p>`}
    ${view.expired && html`<p class="warn" data-testid="catalog-expired">${t('catalog.expired')}</p>`}
    ${persistNote && html`<p class="warn">${t('catalog.persistDenied')}</p>`}
    <${StorageLine} storage=${storage} />
    ${filters}
    <${SearchCount} count=${packs.length} active=${searching} lessons=${hits.length} />
    <${LessonHits} hits=${hits} />
    ${listed.length === 0 && html`<p>${t('catalog.empty')}</p>`}
    <ul class="cards" data-testid="catalog">
      ${packs.map((entry) => html`
        <${PackCard} key=${entry.pack_id} entry=${entry} row=${installed[entry.pack_id]}
          complete=${complete[entry.pack_id]} status=${statuses[entry.pack_id]}
          needed=${needed[entry.pack_id]} error=${errors[entry.pack_id]}
          onDownload=${download} onPause=${act('pause')} onResume=${act('resume')} onCancel=${act('cancel')} />`)}
    </ul>
    <p><a class="btn btn-secondary" href="#/import" data-testid="go-import">${t('import.link')}</a></p>`;
}
