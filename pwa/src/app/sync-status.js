/**
 * The sync state as one quiet line at the top of every screen. Owns nothing:
 * it renders SyncState (see status.js) as "↻ N 条待同步 · 离线" beside a small
 * "sync now" button and, when one happened, the last sync error. When the last
 * sync was ("上次同步 HH:MM", with the date when that was not today, on the
 * phone's own clock, which in the county is the county's: syncedAt) is on the
 * sync screen and in the line's label, so the line stays one line. At large text (html.text-large) only the
 * icon, the count and "离线" stay. The line links to the sync screen
 * (features/sync), where the full status, the quarantined records and the
 * export of a sync file live.
 */
import { html } from './html.js';
import { useSyncState } from './external.js';
import { syncNow } from './sync.js';
import { t, errorText, getLang } from '../lib/i18n.js';

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

/** Whether the phone counts as offline for the line: no link, or the last try found none. */
export const isOffline = (s) => !s.online || s.error?.code === 'network-offline';

/**
 * "上次同步 11/29 09:04", or "从未同步"; the time never breaks across lines.
 * @param {{lastSynced: string | null}} s
 * @param {string} testid
 */
export function LastSynced({ s, testid }) {
  if (!s.lastSynced) return html`<span class="nowrap">${t('sync.never')}</span>`;
  return html`<span>${t('sync.last')} <time class="sync-when" data-testid=${testid}
    datetime=${s.lastSynced}>${syncedAt(s.lastSynced, getLang())}</time></span>`;
}

/**
 * The "sync now" button, off while offline or while a sync runs.
 * @param {{s: import('./status.js').SyncState}} props
 */
export function SyncNow({ s }) {
  return html`
    <button type="button" class="btn btn-secondary sync-now" data-testid="sync-now"
      disabled=${s.syncing || isOffline(s)} onClick=${() => syncNow()}>
      ${s.syncing ? t('sync.syncing') : t('sync.now')}
    </button>`;
}

/** The circular-arrows icon of the line: drawn, so it needs no font. */
const ICON = 'M20 12a8 8 0 0 1-14.3 4.9M4 12a8 8 0 0 1 14.3-4.9M18 3v4.5h-4.5M6 21v-4.5h4.5';

/**
 * The header's sync line. On the sync screen itself (`here`) it leaves the
 * "sync now" button to that screen.
 * @param {{here?: boolean}} props
 * @returns {import('preact').VNode}
 */
export function SyncStatus({ here = false }) {
  const s = useSyncState();
  const offline = isOffline(s);
  const when = s.lastSynced ? `${t('sync.last')} ${syncedAt(s.lastSynced, getLang())}` : t('sync.never');
  const label = `${s.pending ?? '…'} ${t('sync.waiting')} · ${when}${offline ? ` · ${t('sync.offline')}` : ''} · ${t('sync.open')}`;
  return html`
    <div class="sync" role="group" aria-label=${t('sync.title')}>
      <p id="sync-status" role="status" aria-live="polite" class=${offline ? 'sync-line is-offline' : 'sync-line'}>
        <a class="sync-link" href="#/sync" data-testid="sync-link" aria-label=${label}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d=${ICON} fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <span class="nowrap"><span data-testid="outbox-count">${s.pending ?? '…'}</span><span class="sync-words"> ${t('sync.waiting')}</span></span>
          ${offline && html`<span class="badge" data-testid="offline-indicator"><span class="sync-words"> · </span>${t('sync.offline')}</span>`}
          ${s.quarantined.length > 0 && html`<span class="badge sync-words"> · ${s.quarantined.length} ${t('sync.refusedShort')}</span>`}
        </a>
      </p>
      ${!here && html`<${SyncNow} s=${s} />`}
      ${s.error && s.error.code !== 'network-offline' && html`
        <p class="error" role="alert" data-testid="sync-error">${errorText(s.error.code, s.error.message)}</p>`}
      ${s.notice && html`<p class="error" role="alert" data-testid="notice">${errorText(s.notice)}</p>`}
    </div>`;
}
