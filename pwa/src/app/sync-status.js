/**
 * The always-visible sync status line. Owns only the export button's view
 * state: it renders SyncState (see status.js) as "N 条待同步 · 上次同步 HH:MM"
 * (with the date when that was not today, on the phone's own clock, which in
 * the county is the county's: syncedAt) plus offline and error hints, and, while records wait, a large "export sync
 * file" button whose code is loaded only when pressed.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { getSyncState, subscribeSync } from './status.js';
import { syncNow } from './sync.js';
import { t, errorText, getLang } from '../lib/i18n.js';
import { errorCode } from '../lib/errors.js';

/** Month and day as the line shows them: short enough for 200% text at 360 px. */
const DAY = {
  'zh-CN': /** @type {Intl.DateTimeFormatOptions} */ ({ month: 'numeric', day: 'numeric' }),
  en: /** @type {Intl.DateTimeFormatOptions} */ ({ month: 'short', day: 'numeric' }),
};

/**
 * When the last sync was, as the line shows it, on the phone's clock: "09:04"
 * today; "11/29 09:04" (en "Nov 29 09:04") another day this year; the date
 * alone, with the year, before that ("2025/12/31", "Dec 31, 2025"). Each fits
 * on one line of a 360 px screen at 200% text.
 * @param {string} iso the stored time of the last sync
 * @param {string} lang the app language
 * @param {Date} [now]
 * @returns {string}
 */
export function syncedAt(iso, lang, now = new Date()) {
  const d = new Date(iso);
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return time;
  const day = DAY[lang] || DAY.en;
  if (d.getFullYear() !== now.getFullYear()) {
    return new Intl.DateTimeFormat(lang, { ...day, year: 'numeric' }).format(d);
  }
  return `${new Intl.DateTimeFormat(lang, day).format(d)} ${time}`;
}

/**
 * The export button and what it last did: for phones that sync by file.
 * @param {{pending: number | null}} props
 * @returns {import('preact').VNode | null}
 */
function ExportBundle({ pending }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {{count: number} | null} */ (null));
  const [failed, setFailed] = useState(/** @type {string | null} */ (null));
  if (!pending && !done && !failed) return null;
  const run = async () => {
    setBusy(true);
    setDone(null);
    setFailed(null);
    try {
      const { exportBundle } = await import('../features/export/bundle.js');
      setDone(await exportBundle());
    } catch (err) {
      setFailed(errorCode(err));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <div class="export">
      <button type="button" class="btn btn-big" data-testid="export-sync" disabled=${busy} onClick=${run}>
        ${busy ? t('sync.exporting') : t('sync.export')}
      </button>
      ${done && html`<p class="ok" role="status" data-testid="export-done">${
        done.count > 0 ? t('sync.exported').replace('{n}', String(done.count)) : t('sync.exportEmpty')}</p>`}
      ${failed && html`<p class="error" role="alert" data-testid="export-error">${errorText(failed)}</p>`}
    </div>`;
}

/**
 * Sync status line with a manual "sync now" button and the export button.
 * @returns {import('preact').VNode}
 */
export function SyncStatus() {
  const [s, setS] = useState(getSyncState());
  useEffect(() => subscribeSync(setS), []);
  const zh = getLang() === 'zh-CN';
  const offline = !s.online || s.error?.code === 'network-offline';
  // The time stays on one line (white-space: nowrap); only the words may wrap.
  const last = s.lastSynced
    ? html`${t('sync.last')} <time class="sync-when" data-testid="last-synced" datetime=${s.lastSynced}>${
      syncedAt(s.lastSynced, getLang())}</time>`
    : t('sync.never');
  const waiting = ` ${t('sync.waiting')} · `;
  return html`
    <section class="sync" aria-label=${zh ? '同步' : 'Sync'}>
      <p id="sync-status" role="status" aria-live="polite" class=${offline ? 'sync-line is-offline' : 'sync-line'}>
        <span data-testid="outbox-count">${s.pending ?? '…'}</span>${waiting}${last}
        ${offline && html`<span class="badge" data-testid="offline-indicator">${' · '}${t('sync.offline')}</span>`}
      </p>
      <button type="button" class="btn btn-secondary" data-testid="sync-now"
        disabled=${s.syncing || offline} onClick=${() => syncNow()}>
        ${s.syncing ? t('sync.syncing') : t('sync.now')}
      </button>
      ${s.error && s.error.code !== 'network-offline' && html`
        <p class="error" role="alert" data-testid="sync-error">${errorText(s.error.code, s.error.message)}</p>`}
      ${s.notice && html`<p class="error" role="alert" data-testid="notice">${errorText(s.notice)}</p>`}
      <${ExportBundle} pending=${s.pending} />
      ${s.quarantined.length > 0 && html`
        <details class="quarantine" data-testid="quarantined">
          <summary><span data-testid="quarantined-count">${s.quarantined.length}</span> ${t('sync.quarantined')}</summary>
          <ul>${s.quarantined.map((r) => html`
            <li key=${r.id}>#${r.device_seq} ${errorText(r.quarantine.code, r.quarantine.message)}</li>`)}
          </ul>
        </details>`}
    </section>`;
}
