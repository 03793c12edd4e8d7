/**
 * Streaming reader for untrusted `.xdpack` archives (a ZIP of `manifest.json`
 * then `blobs/<sha256>`). Owns no stored data: it turns a File into a sequence
 * of events and refuses, as early as possible, anything a pack must not hold.
 *
 * The rules mirror server/xuedian/packs/archive.py:
 * - `manifest.json` comes first (so it is verified before any blob is used)
 *   and is at most 4 MB;
 * - every other entry is `blobs/<64 hex>` named in that manifest, once; any
 *   other name (`..`, `/abs`, a backslash, an extra file) is refused, so no
 *   path can escape;
 * - at most 20,000 entries;
 * - no entry yields more bytes than the manifest says (a decompression bomb
 *   stops at the first byte too many).
 *
 * Memory stays flat: the file is read 256 KB at a time, fed to fflate 64 KB
 * at a time, and the next piece is read only after the consumer has taken
 * every event of the previous one.
 * Deflate entries (our builder never writes them) are inflated a few KB of
 * input at a time inside that same loop, never inside fflate's synchronous push.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { XuedianError } from '../lib/errors.js';

export const MAX_ARCHIVE_BYTES = 2 * 1024 ** 3;
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 20_000;
const READ = 256 * 1024;
const SLICE = 64 * 1024;
// Deflate can expand about 1032:1, so 4 KB of input yields at most ~4 MB at once.
const INFLATE_SLICE = 4 * 1024;
const BLOB_ENTRY = /^blobs\/([0-9a-f]{64})$/;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
// The end record is 22 bytes plus a comment of at most 65,535.
const EOCD_SEARCH = 22 + 0xffff;

/**
 * @typedef {{type: 'manifest', envelope: any}
 *   | {type: 'blob', id: string}
 *   | {type: 'data', bytes: Uint8Array}
 *   | {type: 'end', id: string, length: number}} ArchiveEvent
 */

const unsafe = (message, details = {}) => new XuedianError('pack-archive-unsafe', message, { details });
const invalid = (message, details = {}) => new XuedianError('pack-archive-invalid', message, { details });

/** The blob sizes a parsed (not yet verified) manifest declares; used only as caps. */
function declaredSizes(envelope) {
  const sizes = new Map();
  const blobs = envelope?.signed?.blobs;
  if (Array.isArray(blobs)) {
    for (const b of blobs) if (typeof b?.id === 'string' && Number.isInteger(b.size) && b.size >= 0) sizes.set(b.id, b.size);
  }
  return sizes;
}

/**
 * Where the entries end, from the end-of-central-directory record, which also
 * names how many entries there are: too many is refused before any is read.
 * @param {Blob} file
 * @returns {Promise<{offset: number}>} the offset of the central directory
 */
async function centralDirectory(file) {
  const from = Math.max(0, file.size - EOCD_SEARCH);
  const tail = new DataView(await file.slice(from).arrayBuffer());
  for (let at = tail.byteLength - 22; at >= 0; at -= 1) {
    if (tail.getUint32(at, true) !== 0x06054b50) continue;
    const entries = tail.getUint16(at + 10, true);
    const size = tail.getUint32(at + 12, true);
    const offset = tail.getUint32(at + 16, true);
    if (offset + size > from + at) break;
    if (entries > MAX_ARCHIVE_ENTRIES) throw unsafe('The archive has too many entries.', { entries });
    return { offset };
  }
  throw invalid('The archive has no readable end record; it may be cut short.');
}

function concat(parts, length) {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Read an archive as events, in file order. Throws a XuedianError
 * (`pack-archive-too-large`, `pack-archive-not-zip`, `pack-archive-unsafe`,
 * `pack-archive-invalid`) at the first rule broken; events before it have been
 * yielded already, so a bad signature is reported before a bad later entry.
 * @param {Blob} file
 * @param {(done: number, total: number) => void} [onProgress] archive bytes read
 * @returns {AsyncGenerator<ArchiveEvent>}
 */
export async function* readArchive(file, onProgress = () => {}) {
  if (file.size > MAX_ARCHIVE_BYTES) {
    throw new XuedianError('pack-archive-too-large', 'The archive is larger than 2 GB.', { details: { size: file.size } });
  }
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  if (head.length < 4 || ZIP_MAGIC.some((b, i) => head[i] !== b)) {
    throw new XuedianError('pack-archive-not-zip', 'This file is not a pack archive.');
  }
  const end = await centralDirectory(file);

  /** @type {any[]} events (and deferred inflate work) of the slice being pushed */
  let queue = [];
  let fatal = null;
  let entries = 0;
  let sizes = null; // blob id -> declared size, once the manifest is parsed
  const seen = new Set();
  let current = null; // {name, id, limit, length, parts?}

  const fail = (err) => {
    if (!fatal) {
      fatal = err;
      queue.push({ type: 'fatal', err });
    }
  };

  // Output of the entry being read, in order. Counting here, before any
  // buffering, is what stops a bomb at its first byte too many.
  const deliver = (entry, out, err, data, final) => {
    if (fatal) return;
    if (err) return fail(invalid('An archive entry cannot be read.', { entry: entry.name, reason: String(err.message || err) }));
    entry.length += data.length;
    if (entry.length > entry.limit) {
      entry.member.terminate();
      return fail(unsafe('An archive entry is larger than its manifest says.', { entry: entry.name, limit: entry.limit }));
    }
    if (entry.parts) {
      if (data.length) entry.parts.push(data);
    } else if (data.length) {
      out.push({ type: 'data', bytes: data });
    }
    if (!final) return;
    if (entry.parts) {
      let envelope;
      try {
        envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(concat(entry.parts, entry.length)));
      } catch (cause) {
        return fail(invalid('The manifest is not valid JSON.', { reason: String(cause) }));
      }
      entry.parts = null;
      sizes = declaredSizes(envelope);
      out.push({ type: 'manifest', envelope });
    } else {
      out.push({ type: 'end', id: entry.id, length: entry.length });
    }
  };

  // fflate's own inflater, but fed by our loop in small pieces (see INFLATE_SLICE).
  class DeferredInflate extends UnzipInflate {
    constructor() {
      super();
      // fflate builds the decoder inside file.start(), right after `current` is set.
      this.entry = current;
    }

    push(chunk, final) {
      queue.push({ type: 'inflate', decoder: this, chunk, final });
    }
  }

  const unzip = new Unzip((member) => {
    if (fatal) return;
    entries += 1;
    const name = member.name;
    if (entries > MAX_ARCHIVE_ENTRIES) return fail(unsafe('The archive has too many entries.'));
    if (typeof name !== 'string' || name.includes('\\') || name.startsWith('/') || name.split('/').includes('..')) {
      return fail(unsafe('An archive entry points outside the pack.', { entry: String(name).slice(0, 200) }));
    }
    const header = member.originalSize; // undefined when the sizes follow the data
    let entry;
    if (entries === 1) {
      if (name !== 'manifest.json') return fail(invalid('manifest.json must be the first entry.', { entry: name.slice(0, 200) }));
      if (header > MAX_MANIFEST_BYTES) return fail(unsafe('The manifest is too large.', { size: header }));
      entry = { name, id: null, limit: MAX_MANIFEST_BYTES, length: 0, parts: [], member };
    } else {
      const match = BLOB_ENTRY.exec(name);
      if (!match || !sizes?.has(match[1])) {
        return fail(unsafe('The archive holds an entry the manifest does not list.', { entry: name.slice(0, 200) }));
      }
      const id = match[1];
      if (seen.has(id)) return fail(unsafe('The archive holds a blob twice.', { entry: name }));
      seen.add(id);
      const limit = sizes.get(id);
      if (header > limit) return fail(unsafe('An archive entry is larger than its manifest says.', { entry: name, limit }));
      entry = { name, id, limit, length: 0, parts: null, member };
      queue.push({ type: 'blob', id });
    }
    current = entry;
    // `sink` is where this entry's output goes: the queue while fflate pushes,
    // a local list while our loop inflates deferred input.
    member.ondata = (err, data, final) => deliver(entry, entry.sink || queue, err, data, final);
    // Started at once: fflate would otherwise buffer the entry's bytes in memory.
    member.start();
  });
  unzip.register(DeferredInflate);

  // Yield the queued events; run deferred inflation slice by slice.
  async function* drain() {
    while (queue.length) {
      const batch = queue;
      queue = [];
      for (const item of batch) {
        if (item.type === 'fatal') throw item.err;
        if (item.type !== 'inflate') {
          yield item;
          continue;
        }
        const { decoder, chunk, final } = item;
        const { entry } = decoder;
        for (let at = 0; at < chunk.length || (final && at === 0); at += INFLATE_SLICE) {
          const end = Math.min(at + INFLATE_SLICE, chunk.length);
          const out = [];
          entry.sink = out;
          UnzipInflate.prototype.push.call(decoder, chunk.subarray(at, end), final && end === chunk.length);
          entry.sink = null;
          if (fatal) throw fatal;
          yield* out;
          if (end === chunk.length) break;
        }
      }
    }
  }

  // fflate throws on a truncated archive or an unknown compression method.
  const push = (chunk, final) => {
    try {
      unzip.push(chunk, final);
    } catch (cause) {
      // Queued behind the events before it, so a bad manifest is still reported first.
      fail(invalid(final ? 'The archive ends too early.' : 'The archive is damaged.', { reason: String(cause?.message || cause) }));
    }
  };

  let done = 0;
  onProgress(0, file.size);
  // Only the entries go through fflate: it would read the central directory as
  // data, and a local-header signature in there (an offset, say) as an entry.
  while (done < end.offset) {
    // Fixed reads rather than file.stream(), whose 2 MB chunks and read-ahead
    // doubled the live ArrayBuffer memory in bench/pack_import_heap.py.
    const value = new Uint8Array(await file.slice(done, Math.min(done + READ, end.offset)).arrayBuffer());
    if (!value.length) break;
    for (let at = 0; at < value.length; at += SLICE) {
      push(value.subarray(at, at + SLICE), false);
      yield* drain();
    }
    done += value.length;
    onProgress(done, file.size);
  }
  push(new Uint8Array(0), true);
  onProgress(file.size, file.size);
  yield* drain();
  if (entries === 0) throw invalid('The archive holds no manifest.');
}
