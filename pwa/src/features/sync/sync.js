/**
 * The sync screen (route `#/sync`), reached from the header's sync line and
 * from "More": the full status (records waiting, the last sync with its date,
 * offline), "sync now", the records the county refused, and the export of a
 * sync file for a volunteer to carry. Owns nothing; it renders SyncState
 * (app/status.js).
 */
import { html } from '../../app/html.js';
import { useSyncState } from '../../app/external.js';
import { LastSynced, SyncNow, isOffline } from '../../app/sync-status.js';
import { t, errorText } from '../../lib/i18n.js';
import { ExportBundle } from '../export/button.js';

/** @returns {import('preact').VNode} */
export default function SyncScreen() {
  const s = useSyncState();
  const offline = isOffline(s);
  return html`
    <h2>${t('sync.title')}</h2>
    <p class="sync-full" data-testid="sync-full">
      <span class="nowrap"><span data-testid="sync-count">${s.pending ?? '…'}</span> ${t('sync.waiting')}</span>
      ${' · '}<${LastSynced} s=${s} testid="last-synced" />
      ${offline && html`<span class="badge">${' · '}${t('sync.offline')}</span>`}
    </p>
    <p>${t('sync.explain')}</p>
    <${SyncNow} s=${s} />
    <h3>${t('sync.byFile')}</h3>
    <p>${t('sync.byFileHint')}</p>
    <${ExportBundle} pending=${s.pending} big=${true} />
    ${s.quarantined.length > 0 && html`
      <details class="quarantine" data-testid="quarantined">
        <summary><span data-testid="quarantined-count">${s.quarantined.length}</span> ${t('sync.quarantined')}</summary>
        <ul>${s.quarantined.map((r) => html`
          <li key=${r.id}>#${r.device_seq} ${errorText(r.quarantine.code, r.quarantine.message)}</li>`)}
        </ul>
      </details>`}`;
}
