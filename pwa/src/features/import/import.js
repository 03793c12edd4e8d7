/**
 * The import screen (route `#/import`), with no network: install a pack from a
 * `.xdpack` file carried on an SD card or sent through a messaging app, or take
 * in a county acknowledgement (`.xdack`) a volunteer brought back, which clears
 * the records it confirms. Owns per-screen state only: the running import's
 * progress, its result or its refusal. Packs go through the import worker
 * (lib/import.js), acks through lib/ack.js.
 */
import { useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { importPack } from '../../lib/packs/import.js';
import { importAck, isAckFile } from '../../lib/transport/ack.js';
import { askPersistence } from '../../lib/packs/packs.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText } from '../../lib/i18n.js';

/**
 * Whether a file is a sync file (.xdsync, gzip) this or another phone exported:
 * it goes to a volunteer, not into the app. Course files are zip ("PK").
 * @param {File} file
 * @returns {Promise<boolean>}
 */
export async function isSyncFile(file) {
  if (/\.xdsync$/i.test(file.name)) return true;
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

// Said about a file rather than a download where the generic text would mislead.
function refusalText(code) {
  const key = /** @type {any} */ (`import.err.${code}`);
  const text = t(key);
  return text === key ? errorText(code) : text;
}

function Progress({ done, total }) {
  const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  // A div rather than <progress>, so aria-valuenow is ours to set; styles go
  // through the CSSOM, which the strict CSP allows.
  return html`
    <div role="progressbar" aria-label=${t('import.running')} aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${pct} aria-valuetext=${`${pct}%`} data-testid="import-progress"
      style=${{ height: '1.5rem', border: '2px solid var(--fg)', borderRadius: '0.4rem', overflow: 'hidden' }}>
      <div style=${{ width: `${pct}%`, height: '100%', background: 'var(--brand)' }}></div>
    </div>
    <p aria-hidden="true">${t('import.running')} ${pct}%</p>`;
}

/**
 * @returns {import('preact').VNode}
 */
export default function ImportScreen() {
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  const [job, setJob] = useState(/** @type {any} */ ({ state: 'idle' }));
  const running = job.state === 'running';

  const start = async (event) => {
    const file = event.currentTarget.files?.[0];
    // Cleared so choosing the same file again (after freeing space) fires change.
    event.currentTarget.value = '';
    if (!file) return;
    setJob({ state: 'running', done: 0, total: file.size });
    try {
      if (await isSyncFile(file)) {
        setJob({ state: 'sync-file' });
        return;
      }
      if (await isAckFile(file)) {
        setJob({ state: 'ack-done', ...(await importAck(file)) });
        return;
      }
      const row = await importPack(file, (done, total) => setJob({ state: 'running', done, total }));
      setJob({ state: 'done', row });
      askPersistence().catch(() => null);
    } catch (err) {
      setJob({ state: 'error', code: errorCode(err), details: err?.details });
    }
  };

  const row = job.row;
  return html`
    <p><a class="back" href="#/">${t('nav.back')}</a></p>
    <h2>${t('import.title')}</h2>
    <p>${t('import.intro')}</p>
    <input ref=${input} type="file" hidden accept=".xdpack,.xdack,application/zip,application/json,application/octet-stream"
      data-testid="import-file" onChange=${start} />
    <button type="button" class="btn btn-big" data-testid="import-file-button" disabled=${running}
      onClick=${() => input.current?.click()}>
      ${t('import.choose')}
    </button>
    <p class="meta">${t('import.types')}</p>
    <div aria-live="polite" style=${{ marginTop: '1rem' }}>
      ${running && html`<${Progress} done=${job.done} total=${job.total} />`}
      ${job.state === 'done' && html`
        <div class="card" role="status" data-testid="import-done" data-pack=${row.pack_id}
          data-version=${row.version} data-stored=${row.stats?.stored} data-reused=${row.stats?.reused}>
          <p class="ok">${t('import.done')}：${pick(row.manifest.title) || row.pack_id} · ${t('import.version')} ${row.version}</p>
          <a class="btn" href=${href('pack', row.pack_id)} data-testid="import-open">${t('import.open')}</a>
        </div>`}
      ${job.state === 'ack-done' && html`
        <p class="ok card" role="status" data-testid="ack-done" data-deleted=${job.deleted}>${
          job.deleted > 0 ? t('import.ackDone').replace('{n}', String(job.deleted)) : t('import.ackNone')}</p>`}
      ${job.state === 'sync-file' && html`
        <div class="card" role="status" data-testid="import-sync-file">
          <p><strong>${t('import.syncFile')}</strong></p>
          <p>${t('import.syncFileHint')}</p>
        </div>`}
    </div>
    ${job.state === 'error' && html`
      <p class="error" role="alert" data-testid="import-error" data-code=${job.code}>${refusalText(job.code)}</p>
      ${job.code === 'pack-already-installed' && job.details?.pack_id && html`
        <a class="btn btn-secondary" href=${href('pack', job.details.pack_id)}>${t('import.open')}</a>`}`}`;
}
