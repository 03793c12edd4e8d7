/**
 * Storage on the settings screen: what the browser says is used and left
 * (navigator.storage.estimate), the size of each downloaded pack, and a
 * per-pack delete that asks first. Owns only view state; the delete is
 * blobstore.removePack (the `packs` row, then every blob nothing else uses).
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { formatSize, storageLeft } from '../../lib/packs/catalog.js';
import { installedPacks, downloadManager } from '../../lib/packs/packs.js';
import { removePack } from '../../lib/packs/blobstore.js';
import { getOne } from '../../lib/storage/db.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText } from '../../lib/i18n.js';

const fill = (key, vars) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, String(v)), t(key));

/**
 * Bytes a pack's blobs take (each blob once).
 * @param {any} row an installed pack row
 * @returns {number}
 */
export function packBytes(row) {
  const seen = new Map();
  for (const b of row?.manifest?.blobs || []) seen.set(b.id, b.size || 0);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

const title = (row) => pick(row.manifest?.title) || row.pack_id;

/** @returns {import('preact').VNode} */
export function StorageSection() {
  const [estimate, setEstimate] = useState(/** @type {any} */ (undefined));
  const [packs, setPacks] = useState(/** @type {any[]} */ ([]));
  const [asking, setAsking] = useState(/** @type {string | null} */ (null));
  const [note, setNote] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const load = () => {
    storageLeft().then(setEstimate).catch(() => setEstimate(null));
    installedPacks().then((rows) => setPacks(rows.sort((a, b) => a.pack_id.localeCompare(b.pack_id)))).catch(() => {});
  };
  useEffect(load, []);

  const remove = async (row) => {
    setError(null);
    try {
      // A download of this pack under way stops first, keeping nothing.
      if (await getOne('downloads', row.pack_id)) await (await downloadManager()).cancel(row.pack_id);
      await removePack(row.pack_id);
      setNote(fill('storage.deleted', { title: title(row) }));
    } catch (err) {
      setError(errorText(errorCode(err)));
    }
    setAsking(null);
    load();
  };

  return html`
    <section aria-labelledby="storage-title" data-testid="storage">
      <h3 id="storage-title">${t('storage.title')}</h3>
      ${estimate === null && html`<p class="muted">${t('storage.unknown')}</p>`}
      ${estimate && html`<p data-testid="storage-used" data-usage=${estimate.usage}>
        ${fill('storage.used', { used: formatSize(estimate.usage), free: formatSize(estimate.free) })}</p>`}
      <h4>${t('storage.packs')}</h4>
      ${note && html`<p class="ok" role="status" data-testid="storage-note">${note}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${packs.length === 0 && html`<p class="muted" data-testid="storage-none">${t('storage.none')}</p>`}
      <ul class="cards">
        ${packs.map((row) => html`
          <li key=${row.pack_id} class="card" data-testid=${`stored-${row.pack_id}`}>
            <p><strong>${title(row)}</strong></p>
            <p class="meta" data-testid=${`stored-size-${row.pack_id}`}>${formatSize(packBytes(row))}</p>
            ${asking === row.pack_id ? html`
              <div role="alertdialog" aria-labelledby=${`confirm-${row.pack_id}`} class="confirm">
                <p id=${`confirm-${row.pack_id}`}>${fill('storage.confirm', { title: title(row) })}</p>
                <div class="actions">
                  <button type="button" class="btn btn-danger" data-testid=${`confirm-delete-${row.pack_id}`}
                    onClick=${() => remove(row)}>${t('storage.confirmYes')}</button>
                  <button type="button" class="btn btn-secondary" data-testid=${`cancel-delete-${row.pack_id}`}
                    onClick=${() => setAsking(null)}>${t('profile.cancel')}</button>
                </div>
              </div>` : html`
              <div class="actions">
                <button type="button" class="btn btn-secondary" data-testid=${`delete-${row.pack_id}`}
                  aria-label=${fill('storage.deleteLabel', { title: title(row) })}
                  onClick=${() => { setNote(null); setAsking(row.pack_id); }}>${t('storage.delete')}</button>
              </div>`}
          </li>`)}
      </ul>
    </section>`;
}
