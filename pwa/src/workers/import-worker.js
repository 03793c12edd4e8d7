/**
 * The import worker (a dedicated module worker): wires messages only; the
 * work is workers/pack-import.js. Owns nothing. Entirely offline: it reads the
 * chosen File, the keys its page sends and the phone's own storage.
 *
 * In:  {file: File, trusted: Map (trustedKeys() of the page), installed: {pack_id: version}}
 * Out: {type: 'progress', done, total} (archive bytes read), then one of
 *      {type: 'done', row, stats} or {type: 'error', code, message, details}.
 */
import { importArchive, asImportError } from './pack-import.js';

// A progress message every ~100 ms is plenty for a progress bar.
const PROGRESS_MS = 100;

self.onmessage = async (event) => {
  const { file, trusted, installed } = event.data || {};
  let last = 0;
  const onProgress = (done, total) => {
    const now = Date.now();
    if (done === total || now - last >= PROGRESS_MS) {
      last = now;
      self.postMessage({ type: 'progress', done, total });
    }
  };
  try {
    const { row, stats } = await importArchive(file, { keys: trusted, installed, onProgress });
    self.postMessage({ type: 'done', row, stats });
  } catch (err) {
    const e = asImportError(err);
    self.postMessage({ type: 'error', code: e.code, message: e.message, details: plain(e.details) });
  }
};

/** Details must survive structured cloning; anything odd becomes text. */
function plain(details) {
  try {
    return structuredClone(details || {});
  } catch {
    return { text: String(details) };
  }
}
