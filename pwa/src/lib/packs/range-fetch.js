/**
 * HTTP Range requests for blobs. Owns nothing: every byte that arrives goes to
 * the `chunks` store (lib/packs/chunks.js) in pieces of at most CHUNK_SIZE, as soon
 * as a piece fills and, when the body breaks off, the part received so far.
 */
import { blobUrl } from './blobstore.js';
import { putChunk } from './chunks.js';
import { errorFromResponse } from '../transport/api.js';
import { XuedianError } from '../errors.js';

/** Bytes per Range request and per stored chunk. */
export const CHUNK_SIZE = 64 * 1024;

/**
 * Fetch one range of a blob and store what arrives, even if the body breaks off.
 * @param {{blob: {id: string, size: number}, start: number, end: number}} task half-open byte range
 * @param {AbortSignal} signal aborts the request; bytes received so far are still stored
 * @param {(bytes: number) => void} report called as new bytes arrive
 * @returns {Promise<boolean>} true when the server sent the whole blob (ignored Range)
 * @throws {XuedianError} `network-offline` when the link breaks, `storage-full`, or the
 *   server's error; an AbortError when aborted
 */
export async function fetchRange({ blob, start, end }, signal, report) {
  let res;
  try {
    res = await fetch(blobUrl(blob.id), {
      // Blobs are content-addressed and the server's ETag is the id: If-Range guards a changed file.
      headers: { Range: `bytes=${start}-${end - 1}`, 'If-Range': `"${blob.id}"` },
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new XuedianError('network-offline', 'The network is not reachable.', { cause: err });
  }
  if (res.status === 206) {
    const m = /^bytes (\d+)-(\d+)\//.exec(res.headers.get('Content-Range') || '');
    if (!m || Number(m[1]) !== start) {
      res.body?.cancel().catch(() => {});
      throw new XuedianError('internal-error', 'The server answered another range.', { status: 502 });
    }
    await receive(res.body, blob.id, start, Math.min(end, Number(m[2]) + 1) - start, signal, report);
    return false;
  }
  if (res.status === 200) {
    await receive(res.body, blob.id, 0, blob.size, signal, report, start);
    return true;
  }
  throw await errorFromResponse(res);
}

/**
 * Read a body into chunks of at most CHUNK_SIZE from `start`, storing each as
 * it fills and, on any failure, the part received so far.
 * `counted` is the offset below which bytes were already counted in progress.
 */
async function receive(body, blobId, start, length, signal, report, counted = start) {
  const reader = body.getReader();
  let at = start;
  let buf = new Uint8Array(Math.min(CHUNK_SIZE, length));
  let filled = 0;
  const end = start + length;
  try {
    while (at + filled < end) {
      let { done, value } = await reader.read();
      if (done) throw new XuedianError('network-offline', 'The answer ended early.');
      while (value.byteLength && at + filled < end) {
        const take = Math.min(buf.byteLength - filled, value.byteLength);
        buf.set(value.subarray(0, take), filled);
        filled += take;
        value = value.subarray(take);
        // Bytes before `counted` (a 200 answer resending the start) were counted already.
        const fresh = at + filled - Math.max(counted, at + filled - take);
        if (fresh > 0) report(fresh);
        if (filled === buf.byteLength) {
          await putChunk(blobId, at, buf);
          at += filled;
          filled = 0;
          buf = new Uint8Array(Math.min(CHUNK_SIZE, end - at));
        }
      }
    }
    reader.cancel().catch(() => {});
  } catch (err) {
    if (filled > 0) await putChunk(blobId, at, buf.subarray(0, filled)).catch(() => {});
    reader.cancel().catch(() => {});
    if (signal.aborted || err instanceof XuedianError) throw err;
    throw new XuedianError('network-offline', 'The connection broke off.', { cause: err });
  }
}
