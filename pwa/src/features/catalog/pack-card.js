/**
 * One course in the catalog: its size (only what is still needed), its state
 * (下载中 / 等待网络 / 已暂停 / 下载失败 / 已安装 / 可更新), a progress bar and the
 * buttons for it. Owns nothing; the screen passes everything in.
 */
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { formatSize } from '../../lib/packs/catalog.js';
import { t, pick, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

const IN_FLIGHT = ['running', 'waiting', 'paused', 'failed'];

/**
 * The localized text of a refusal or failure, with the sizes for `storage-full`.
 * @param {{code: string, details?: any}} error
 * @returns {string}
 */
export function refusalText(error) {
  const text = errorText(error.code);
  const d = error.details || {};
  if (error.code !== 'storage-full' || !Number.isFinite(d.needed) || !Number.isFinite(d.free)) return text;
  return `${t('dl.needSpace').replace('{need}', formatSize(d.needed)).replace('{free}', formatSize(d.free))}${text}`;
}

function Progress({ id, title, status }) {
  const pct = status.total > 0 ? Math.min(100, Math.floor((status.done / status.total) * 100)) : 0;
  return html`
    <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}
      aria-valuetext=${`${pct}% · ${formatSize(status.done)} / ${formatSize(status.total)}`}
      aria-label=${`${t('dl.progressLabel')} · ${title}`} data-testid=${`progress-${id}`}>
      <span class="bar-fill" style=${{ width: `${pct}%` }}></span>
    </div>
    <p class="meta" aria-hidden="true">${pct}% · ${formatSize(status.done)} / ${formatSize(status.total)}</p>`;
}

/**
 * @param {object} props
 * @param {any} props.entry verified catalog entry
 * @param {any} [props.row] installed `packs` row
 * @param {boolean} [props.complete] whether the installed row has all its blobs
 * @param {import('../../lib/packs/downloads.js').DownloadStatus} [props.status]
 * @param {number} [props.needed] bytes an update or re-download still needs
 * @param {{code: string, details?: any} | null} [props.error] a refusal from start()
 * @param {(entry: any) => void} props.onDownload
 * @param {(id: string) => void} props.onPause
 * @param {(id: string) => void} props.onResume
 * @param {(id: string) => void} props.onCancel
 * @returns {import('preact').VNode}
 */
export function PackCard({ entry, row, complete, status, needed, error, onDownload, onPause, onResume, onCancel }) {
  const id = entry.pack_id;
  const title = pick(entry.title);
  const flight = status && IN_FLIGHT.includes(status.state) ? status : null;
  const isUpdate = Boolean(row && row.version < entry.version);
  const repair = Boolean(row && !isUpdate && complete === false);
  const upToDate = Boolean(row && !isUpdate && !repair);
  const size = isUpdate || repair ? (needed ?? entry.size) : entry.size;
  const sizeText = `${isUpdate ? t('dl.updateSize') : t('catalog.size')} ${formatSize(size)}`;
  const problem = error || (flight?.error ? { code: flight.error } : null);

  let state = null;
  if (flight) state = html`<strong data-testid=${`state-${id}`}>${t(`dl.${flight.state}`)}</strong>`;
  else if (upToDate) state = html`<strong data-testid=${`installed-${id}`}>${t('dl.installed')}</strong>`;
  else if (isUpdate) state = html`<strong data-testid=${`updatable-${id}`}>${t('dl.updatable')}</strong>`;

  let action = null;
  if (flight && (flight.state === 'running' || flight.state === 'waiting')) {
    action = html`<button type="button" class="btn" data-testid=${`pause-${id}`}
      aria-label=${`${t('dl.pause')} · ${title}`} onClick=${() => onPause(id)}>${t('dl.pause')}</button>`;
  } else if (flight) {
    action = html`
      <button type="button" class="btn" data-testid=${`resume-${id}`}
        aria-label=${`${t('dl.resume')} · ${title}`} onClick=${() => onResume(id)}>${t('dl.resume')}</button>
      <button type="button" class="btn btn-secondary" data-testid=${`cancel-${id}`}
        aria-label=${`${t('dl.cancel')} · ${title}`} onClick=${() => onCancel(id)}>${t('dl.cancel')}</button>`;
  } else if (isUpdate) {
    action = html`<button type="button" class="btn" data-testid=${`update-${id}`}
      aria-label=${`${t('catalog.update')} ${formatSize(size)} · ${title}`}
      onClick=${() => onDownload(entry)}>${t('catalog.update')} ${formatSize(size)}</button>`;
  } else if (!row || repair) {
    const verb = repair ? t('dl.redownload') : t('catalog.download');
    action = html`<button type="button" class="btn" data-testid=${`download-${id}`}
      aria-label=${`${verb} ${formatSize(size)} · ${title}`}
      onClick=${() => onDownload(entry)}>${verb} ${formatSize(size)}</button>`;
  }

  return html`
    <li class="card" data-testid=${`pack-${id}`}>
      <h3>${title}</h3>
      ${entry.description && html`<p>${pick(entry.description)}</p>`}
      ${entry.publisher && html`<p class="meta" data-testid=${`source-${id}`}>${tf('pack.source', { name: pick(entry.publisher) })}</p>`}
      <p class="meta">
        <span data-testid=${`size-${id}`}>${sizeText}</span>
        ${entry.credit_hours ? html` · ${t('catalog.credits')} ${entry.credit_hours}` : ''}
        ${state && html` · ${state}`}
      </p>
      ${flight && html`<${Progress} id=${id} title=${title} status=${flight} />`}
      ${problem && html`<p class="error" role="alert" data-testid=${`error-${id}`}>${refusalText(problem)}</p>`}
      <div class="actions">
        ${action}
        ${row && html`
          <a class="btn btn-secondary" href=${href('pack', id)} data-testid=${`open-${id}`}
            aria-label=${`${t('catalog.open')} · ${title}`}>${t('catalog.open')}</a>`}
      </div>
    </li>`;
}
