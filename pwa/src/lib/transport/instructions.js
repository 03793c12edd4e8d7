/**
 * Remote instructions from the county, phone side. Owns `meta.instructions_done`
 * (the ids of the last instructions acted on, so one that comes again after a
 * lost answer or a resync is not acted on twice) and `meta.pack_updates`
 * ({pack_id: {version, by_date}} asked for by the county).
 *
 * - `resync`: the feed cursor is forgotten and everything is pulled again, with a
 *   heartbeat (lib/transport/feed.js does the pulling; this says it must).
 * - `update-pack`: remembered, and the update download is started unless data
 *   saver says not to (the county also sent an inbox notice to read).
 */
import { withTx, getMeta, setMeta } from '../storage/db.js';
import { mayAutoDownload } from '../settings.js';

const KEEP = 200;

/**
 * Record the instructions of one feed answer and return what the feed must do.
 * @param {any[]} list the answer's `instructions`
 * @returns {Promise<{resync: boolean, updates: number}>}
 */
export async function takeInstructions(list) {
  const valid = (Array.isArray(list) ? list : []).filter(
    (i) => Number.isSafeInteger(i?.id) && (i.kind === 'resync' || (i.kind === 'update-pack' && typeof i.pack === 'string')),
  );
  const out = { resync: false, updates: 0 };
  if (valid.length === 0) return out;
  await withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const done = (await meta.get('instructions_done')) || [];
    const updates = { ...((await meta.get('pack_updates')) || {}) };
    for (const i of valid) {
      if (done.includes(i.id)) continue;
      done.push(i.id);
      if (i.kind === 'resync') out.resync = true;
      else {
        const version = Number.isSafeInteger(i.version) ? i.version : null;
        updates[i.pack] = { version, by_date: typeof i.by_date === 'string' ? i.by_date : null };
        out.updates += 1;
      }
    }
    await meta.put(done.slice(-KEEP), 'instructions_done');
    await meta.put(updates, 'pack_updates');
    if (out.resync) await meta.delete('feed_cursor');
  });
  return out;
}

/**
 * Start the downloads the county asked for (meta.pack_updates) that are not yet
 * installed, if the phone may download now; forget the ones done. Pages only:
 * a service worker leaves them for the next page sync. Never throws.
 * @returns {Promise<string[]>} the packs whose download started
 */
export async function startPackUpdates() {
  if (typeof window === 'undefined') return [];
  const started = [];
  try {
    const wanted = (await getMeta('pack_updates')) || {};
    if (!mayAutoDownload()) {
      // On <html data-pack-updates>: how many asked-for updates data saver held back, so a
      // test waits for that instead of sleeping before it checks nothing was downloaded.
      document.documentElement.dataset.packUpdates = `held:${Object.keys(wanted).length}`;
      return [];
    }
    if (Object.keys(wanted).length === 0) return [];
    const { loadCatalog } = await import('../packs/catalog.js');
    const { installedPack, downloadManager } = await import('../packs/packs.js');
    const { catalog } = await loadCatalog();
    const left = {};
    for (const [pack, want] of Object.entries(wanted)) {
      const installed = await installedPack(pack);
      const needed = want.version ?? 0;
      const entry = (catalog.packs || []).find((e) => e.pack_id === pack);
      if (installed && installed.version >= Math.max(needed, entry?.version ?? 0)) continue; // done
      left[pack] = want;
      if (!entry || entry.version < needed) continue; // not published here yet
      try {
        await (await downloadManager()).start(entry);
        started.push(pack);
      } catch {
        // Not enough room, say: the inbox notice asks the learner to update.
      }
    }
    await setMeta('pack_updates', left);
  } catch {
    // No catalog now; tried again at the next sync.
  }
  return started;
}
