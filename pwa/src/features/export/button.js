/**
 * The "export sync file" button and what it last did: for phones that sync by
 * file, through a volunteer. Owns only its view state; the bundle itself is
 * made by bundle.js, loaded when the button is pressed. Shown on the sync
 * screen, in "More", and on home only when a volunteer is the way out
 * (offer.js).
 */
import { useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { errorCode } from '../../lib/errors.js';

/**
 * @param {{pending: number | null, big?: boolean}} props `big`: the screen's main action
 * @returns {import('preact').VNode}
 */
export function ExportBundle({ pending, big = false }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {{count: number} | null} */ (null));
  const [failed, setFailed] = useState(/** @type {string | null} */ (null));
  const run = async () => {
    setBusy(true);
    setDone(null);
    setFailed(null);
    try {
      const { exportBundle } = await import('./bundle.js');
      setDone(await exportBundle());
    } catch (err) {
      setFailed(errorCode(err));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <div class="export">
      <button type="button" class=${big ? 'btn btn-big' : 'btn btn-secondary'} data-testid="export-sync"
        disabled=${busy || !pending} onClick=${run}>
        ${busy ? t('sync.exporting') : t('sync.export')}
      </button>
      ${!pending && !done && html`<p class="meta" data-testid="export-nothing">${t('sync.exportEmpty')}</p>`}
      ${done && html`<p class="ok" role="status" data-testid="export-done">${
        done.count > 0 ? tf('sync.exported', { n: done.count }) : t('sync.exportEmpty')}</p>`}
      ${failed && html`<p class="error" role="alert" data-testid="export-error">${errorText(failed)}</p>`}
    </div>`;
}
