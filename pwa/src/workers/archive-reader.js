/**
 * Streaming reader for untrusted `.xdpack` archives (a ZIP of `manifest.json`
 * then `blobs/<sha256>`). Owns no stored data: it turns a File into a sequence
 * of events and refuses, as early as possible, anything a pack must not hold.
 *
 * The rules are lib/packs/archive-rules.js, the same as the county's
 * (server/xuedian/packs/archive.py), checked against the same vectors
 * (tests/vectors/archives.json, pwa/test/archive.test.mjs):
 * - before any entry is read, the central directory: `manifest.json` first,
 *   then `blobs/<64 hex>` only, no name twice, no link or folder, at most
 *   20,000 entries; the local headers match it and follow one another with no
 *   gap, so what this reader meets front to back is what the county lists;
 * - the manifest is at most 4 MB and 32 levels deep;
 * - readVerifiedArchive: the signature, then every blob entry listed in the
 *   manifest and every listed blob present, then each blob's hash;
 * - no entry yields more bytes than the directory says (a decompression bomb
 *   stops at the first byte too many: `blob-hash-mismatch`).
 *
 * Memory stays flat: the file is read 256 KB at a time, fed to fflate 64 KB
 * at a time, and the next piece is read only after the consumer has taken
 * every event of the previous one.
 * Deflate entries (our builder never writes them) are inflated a few KB of
 * input at a time inside that same loop, never inside fflate's synchronous push.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { XuedianError } from '../lib/errors.js';
import { verifyEnvelope } from '../lib/packs/verify.js';
import { toHex } from '../lib/base64url.js';
import {
  BLOB_ENTRY, END_SEARCH, MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH,
  checkEntries, checkListing, checkLocalHeaders, crc32, depth, endRecord, invalid, parseDirectory, unsafe,
} from '../lib/packs/archive-rules.js';

export const MAX_ARCHIVE_BYTES = 2 * 1024 ** 3;
const READ = 256 * 1024;
const SLICE = 64 * 1024;
// Deflate can expand about 1032:1, so 4 KB of input yields at most ~4 MB at once.
const INFLATE_SLICE = 4 * 1024;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * @typedef {{type: 'manifest', envelope: any, entries: import('../lib/packs/archive-rules.js').DirectoryEntry[]}
 *   | {type: 'blob', id: string}
 *   | {type: 'data', bytes: Uint8Array}
 *   | {type: 'end', id: string, length: number}} ArchiveEvent
 */


/**
 * The central directory, once every rule on it holds (lib/packs/archive-rules.js).
 * @param {Blob} file
 * @returns {Promise<{offset: number, entries: any[]}>} where the directory starts, and its entries
 */
async function centralDirectory(file) {
  const read = async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
  const from = Math.max(0, file.size - END_SEARCH);
  const end = endRecord(await read(from, file.size - from), from);
  const entries = parseDirectory(await read(end.offset, end.size), end.shift);
  checkEntries(entries, end.count);
  await checkLocalHeaders(entries, end.offset, read);
  return { offset: end.offset, entries };
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
 * `pack-archive-invalid`) at the first rule broken: the directory's rules
 * before any event; after that, events before the failure have been yielded
 * already, so a bad signature is reported before a bad later entry.
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
    // As the county's reader: a blob that cannot be inflated, or inflates past its size
    // (a bomb, stopped at its first byte too many), does not match its signed hash; a
    // manifest that does either is damaged.
    const wrong = (message, details) => (entry.parts ? invalid(message, details)
      : new XuedianError('blob-hash-mismatch', message, { details: { id: entry.id, ...details } }));
    if (err) return fail(wrong('An archive entry cannot be read.', { entry: entry.name, reason: String(err.message || err) }));
    entry.length += data.length;
    if (entry.length > entry.limit) {
      entry.member.terminate();
      return fail(wrong('An archive entry is larger than it says.', { entry: entry.name, limit: entry.limit }));
    }
    if (entry.parts) {
      if (data.length) entry.parts.push(data);
    } else if (data.length) {
      out.push({ type: 'data', bytes: data });
    }
    if (!final) return;
    if (entry.parts) {
      let envelope;
      const bytes = concat(entry.parts, entry.length);
      if (entry.length !== entry.listed.rawSize || crc32(bytes) !== entry.listed.crc) {
        return fail(invalid('The manifest does not match its CRC-32.'));
      }
      try {
        envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (cause) {
        return fail(invalid('The manifest is not valid JSON.', { reason: String(cause) }));
      }
      if (depth(envelope) > MAX_MANIFEST_DEPTH) return fail(invalid('The manifest is nested too deeply.'));
      entry.parts = null;
      out.push({ type: 'manifest', envelope, entries: end.entries });
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
    // The directory's checks hold only for what it lists, so each entry must be the one it names.
    const listed = end.entries[entries - 1];
    if (!listed || listed.name !== name || listed.method !== member.compression) {
      return fail(invalid("An entry's local header disagrees with the directory.", { entry: String(name).slice(0, 200) }));
    }
    let entry;
    if (entries === 1) {
      if (listed.rawSize > MAX_MANIFEST_BYTES) return fail(unsafe('The manifest is too large.', { size: listed.rawSize }));
      entry = { name, id: null, limit: listed.rawSize, length: 0, parts: [], member, listed };
    } else {
      // The directory's size is the cap: checkListing holds it to the signed size.
      const id = BLOB_ENTRY.exec(name)[1];
      entry = { name, id, limit: listed.rawSize, length: 0, parts: null, member };
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
  if (entries !== end.entries.length) throw invalid('The archive has entries its directory does not list.');
}

/**
 * readArchive, with what needs the trusted keys: the manifest's signature,
 * then checkListing (before any blob byte), then each blob's size and hash,
 * checked before its `end` event, so a consumer commits only good bytes.
 * @param {Blob} file
 * @param {Map<string, import('../lib/packs/verify.js').TrustedKey>} keys
 * @param {(done: number, total: number) => void} [onProgress]
 * @returns {AsyncGenerator<{type: 'manifest', envelope: any, manifest: any} | ArchiveEvent>}
 * @throws {XuedianError} as readArchive, `pack-signature-invalid`, `pack-key-unknown`,
 *   `pack-key-expired` or `blob-hash-mismatch`
 */
export async function* readVerifiedArchive(file, keys, onProgress) {
  let listed = null;
  let blob = null;
  let hash = null;
  for await (const event of readArchive(file, onProgress)) {
    if (event.type === 'manifest') {
      const manifest = await verifyEnvelope(event.envelope, 'manifest', keys);
      checkListing(event.entries, manifest);
      listed = new Map(manifest.blobs.map((b) => [b.id, b]));
      yield { type: 'manifest', envelope: event.envelope, manifest };
      continue;
    }
    if (event.type === 'blob') {
      blob = listed.get(event.id);
      hash = sha256.create();
    } else if (event.type === 'data') {
      hash.update(event.bytes);
    } else if (event.type === 'end' && (event.length !== blob.size || toHex(hash.digest()) !== blob.id)) {
      throw new XuedianError('blob-hash-mismatch', 'A blob does not match its signed hash.', { details: { id: blob.id } });
    }
    yield event;
  }
}
