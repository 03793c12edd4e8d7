/**
 * Course updates that download by themselves. Owns nothing durable: when the
 * verified catalog lists a newer version of an installed pack and
 * settings.mayAutoDownload() allows it (data saver off, or 'auto' without
 * `saveData` or a 2G-class link), it starts that update through the download
 * manager (lib/packs/downloads.js), which fetches only the blobs that changed.
 * Runs at start-up, when the phone comes online and when data saver is turned off.
 */
import { mayAutoDownload, onSettingsChange } from '../settings.js';
import { loadCatalog } from './catalog.js';
import { installedPacks, downloadManager } from './packs.js';
import { getAll } from '../storage/db.js';

let running = null;

// The last outcome, on <html data-auto-update>: "blocked" or "started:N". Tests wait for
// it instead of sleeping before they check that nothing was downloaded.
function mark(result) {
  document.documentElement.dataset.autoUpdate = result.blocked ? 'blocked' : `started:${result.started.length}`;
  return result;
}

/**
 * Start every update the catalog offers for installed packs, unless data saver forbids it.
 * @returns {Promise<{blocked: boolean, started: string[]}>}
 */
export function autoUpdate() {
  if (!mayAutoDownload()) return Promise.resolve(mark({ blocked: true, started: [] }));
  if (!running) {
    running = run()
      .then(mark)
      .finally(() => {
        running = null;
      });
  }
  return running;
}

async function run() {
  const started = [];
  const installed = new Map((await installedPacks()).map((r) => [r.pack_id, r]));
  if (installed.size === 0) return { blocked: false, started };
  const { catalog } = await loadCatalog();
  const downloads = new Map((await getAll('downloads')).map((r) => [r.pack_id, r]));
  for (const entry of catalog.packs || []) {
    const row = installed.get(entry.pack_id);
    if (!row || !(entry.version > row.version)) continue;
    if ((downloads.get(entry.pack_id)?.version || 0) >= entry.version) continue;
    // Checked again per pack: the resident may turn data saver on meanwhile.
    if (!mayAutoDownload()) return { blocked: true, started };
    try {
      await (await downloadManager()).start(entry);
      started.push(entry.pack_id);
    } catch {
      // Refused (no room, offline...): the catalog still offers the update by hand.
    }
  }
  return { blocked: false, started };
}

let wired = false;

/** Run now, and again when the phone comes online or data saver allows it. Call once. */
export function startAutoUpdate() {
  if (!wired) {
    wired = true;
    window.addEventListener('online', () => autoUpdate().catch(() => {}));
    onSettingsChange(() => autoUpdate().catch(() => {}));
  }
  return autoUpdate().catch(() => ({ blocked: false, started: [] }));
}
