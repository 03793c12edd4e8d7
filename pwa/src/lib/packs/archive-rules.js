/**
 * The pack archive rules, the phone's half: pure functions over bytes and
 * parsed values, so Node's test runner checks them against the same vectors
 * as the county (tests/vectors/archives.json; docs/protocol.md, "Pack
 * archive rules"; server/xuedian/packs/archive.py). Owns no data.
 *
 * Order, the county's too: the end record and the central directory; each
 * entry's name, uniqueness, kind (no link, no folder) and storage; the
 * manifest first; the local headers match the directory and tile the file
 * from byte 0 to the directory; then, once the manifest is verified, every
 * blob entry listed and every listed blob present with its size.
 */
import { XuedianError } from '../errors.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 20_000;
export const MAX_MANIFEST_DEPTH = 32;
/** A directory entry is 46 bytes plus its name; 256 each is far more than a pack needs. */
export const MAX_DIRECTORY_BYTES = MAX_ARCHIVE_ENTRIES * 256;
/** The end record is 22 bytes plus a comment of at most 65,535. */
export const END_SEARCH = 22 + 0xffff;
export const MANIFEST = 'manifest.json';
export const BLOB_ENTRY = /^blobs\/([0-9a-f]{64})$/;
const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const DOS_FOLDER = 0x10;
const ENCRYPTED = 0x1;
const DESCRIPTOR = 0x8;
const UTF8_NAME = 0x800;

export const unsafe = (message, details = {}) => new XuedianError('pack-archive-unsafe', message, { details });
export const invalid = (message, details = {}) => new XuedianError('pack-archive-invalid', message, { details });

const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * @typedef {{name: string, raw: Uint8Array, flags: number, method: number, crc: number,
 *   size: number, rawSize: number, external: number, offset: number}} DirectoryEntry
 *   `size` is the stored (compressed) size, `rawSize` the size once inflated
 */

/**
 * Read the end record from the archive's last bytes. Like the county's
 * reader, the directory is taken to end where the end record starts; when
 * its recorded offset says otherwise, every entry's offset moves by the
 * difference (`shift`), and the local-header rule then refuses the file.
 * @param {Uint8Array} tail the file's last END_SEARCH bytes (or all of it)
 * @param {number} from where `tail` starts in the file
 * @returns {{count: number, offset: number, size: number, shift: number}} the
 *   directory's entries, where it starts, its size, and how far its offsets are off
 * @throws {XuedianError} `pack-archive-invalid` or `pack-archive-unsafe`
 */
export function endRecord(tail, from) {
  const data = view(tail);
  for (let at = tail.length - 22; at >= 0; at -= 1) {
    if (data.getUint32(at, true) !== END) continue;
    const count = data.getUint16(at + 10, true);
    const size = data.getUint32(at + 12, true);
    const recorded = data.getUint32(at + 16, true);
    const offset = from + at - size;
    if (size > MAX_DIRECTORY_BYTES) throw unsafe('The archive has too many entries.', { entries: count });
    if (offset < 0) throw invalid('The archive directory is damaged.');
    return { count, offset, size, shift: offset - recorded };
  }
  throw invalid('The archive has no readable end record; it may be cut short.');
}

/**
 * Parse the central directory.
 * @param {Uint8Array} bytes the whole directory
 * @param {number} [shift] added to every entry's offset (endRecord's `shift`)
 * @returns {DirectoryEntry[]} in directory order
 * @throws {XuedianError} `pack-archive-invalid` or `pack-archive-unsafe`
 */
export function parseDirectory(bytes, shift = 0) {
  const data = view(bytes);
  const entries = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 46 > bytes.length || data.getUint32(at, true) !== CENTRAL) {
      throw invalid('The archive directory is damaged.');
    }
    // As the county's zipfile: an entry needing a reader newer than zip 6.3 is unreadable.
    if (bytes[at + 6] > 63) throw invalid('An archive entry needs a newer zip reader.');
    const flags = data.getUint16(at + 8, true);
    const nameLength = data.getUint16(at + 28, true);
    const skip = nameLength + data.getUint16(at + 30, true) + data.getUint16(at + 32, true);
    if (at + 46 + skip > bytes.length) throw invalid('The archive directory is damaged.');
    const raw = bytes.subarray(at + 46, at + 46 + nameLength);
    let name;
    try {
      name = (flags & UTF8_NAME) ? new TextDecoder('utf-8', { fatal: true }).decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join('');
    } catch {
      throw invalid('An entry name is not UTF-8.');
    }
    entries.push({
      name,
      raw,
      flags,
      method: data.getUint16(at + 10, true),
      crc: data.getUint32(at + 16, true),
      size: data.getUint32(at + 20, true),
      rawSize: data.getUint32(at + 24, true),
      external: data.getUint32(at + 38, true),
      offset: data.getUint32(at + 42, true) + shift,
    });
    at += 46 + skip;
  }
  return entries;
}

/**
 * The rules on the directory alone.
 * @param {DirectoryEntry[]} entries
 * @param {number} [count] the entries the end record counts
 * @throws {XuedianError} `pack-archive-unsafe` (a name outside the layout, a
 *   repeat, a link or folder, too many) or `pack-archive-invalid`
 */
export function checkEntries(entries, count = entries.length) {
  if (Math.max(entries.length, count) > MAX_ARCHIVE_ENTRIES) {
    throw unsafe('The archive has too many entries.', { entries: Math.max(entries.length, count) });
  }
  const seen = new Set();
  for (const e of entries) {
    const entry = e.name.slice(0, 200);
    if (e.name !== MANIFEST && !BLOB_ENTRY.test(e.name)) throw unsafe('An archive entry is outside the pack layout.', { entry });
    if (seen.has(e.name)) throw unsafe('The archive holds an entry twice.', { entry });
    seen.add(e.name);
    const type = (e.external >>> 16) & S_IFMT;
    if ((type !== 0 && type !== S_IFREG) || (e.external & DOS_FOLDER)) {
      throw unsafe('An archive entry is a link or a folder.', { entry });
    }
    if ((e.flags & (ENCRYPTED | DESCRIPTOR)) || (e.method !== 0 && e.method !== 8)) {
      throw invalid('An archive entry is stored in a way packs never are.', { entry });
    }
  }
  if (!entries.length || entries[0].name !== MANIFEST) throw invalid('manifest.json must be the first entry.');
}

/**
 * Each local header says what the directory says, and the entries follow one
 * another from byte 0 to the directory, so reading front to back meets
 * exactly the directory's entries.
 * @param {DirectoryEntry[]} entries
 * @param {number} directoryOffset
 * @param {(offset: number, length: number) => Promise<Uint8Array>} read
 * @throws {XuedianError} `pack-archive-invalid`
 */
export async function checkLocalHeaders(entries, directoryOffset, read) {
  let at = 0;
  for (const e of entries) {
    if (e.offset !== at) throw invalid('The archive has bytes between its entries.', { entry: e.name });
    const head = await read(at, 30 + e.raw.length);
    if (head.length < 30 + e.raw.length) throw invalid('The archive ends too early.');
    const data = view(head);
    const name = head.subarray(30);
    const same = data.getUint32(0, true) === LOCAL
      && data.getUint16(6, true) === e.flags
      && data.getUint16(8, true) === e.method
      && data.getUint32(14, true) === e.crc
      && data.getUint32(18, true) === e.size
      && data.getUint32(22, true) === e.rawSize
      && data.getUint16(26, true) === e.raw.length
      && name.every((b, i) => b === e.raw[i]);
    if (!same) throw invalid("An entry's local header disagrees with the directory.", { entry: e.name });
    at += 30 + e.raw.length + data.getUint16(28, true) + e.size;
  }
  if (at !== directoryOffset) throw invalid('The archive has bytes its directory does not list.');
}

/**
 * The blobs a verified manifest lists.
 * @param {any} manifest
 * @returns {Map<string, number>} id → size
 * @throws {XuedianError} `pack-archive-invalid` when the list is malformed or repeats a blob
 */
export function listedBlobs(manifest) {
  const blobs = manifest?.blobs;
  const listed = new Map();
  for (const b of Array.isArray(blobs) ? blobs : [null]) {
    if (typeof b?.id !== 'string' || !/^[0-9a-f]{64}$/.test(b.id) || !Number.isSafeInteger(b.size)
      || b.size < 0 || listed.has(b.id)) {
      throw invalid("The manifest's blob list is malformed or repeats a blob.");
    }
    listed.set(b.id, b.size);
  }
  return listed;
}

/**
 * Every blob entry is one the verified manifest lists; every listed blob is there with its size.
 * @param {DirectoryEntry[]} entries
 * @param {any} manifest
 * @throws {XuedianError} `pack-archive-unsafe`, `pack-archive-invalid` or `blob-hash-mismatch`
 */
export function checkListing(entries, manifest) {
  const listed = listedBlobs(manifest);
  const present = new Map(entries.filter((e) => e.name !== MANIFEST).map((e) => [e.name.slice(6), e]));
  for (const id of present.keys()) {
    if (!listed.has(id)) throw unsafe('The archive holds a blob the manifest does not list.', { blob: id });
  }
  for (const [id, size] of listed) {
    if (!present.has(id)) throw invalid('The archive lacks a blob its manifest lists.', { blob: id });
    if (present.get(id).rawSize !== size) {
      throw new XuedianError('blob-hash-mismatch', 'A blob does not match its signed size.', { details: { id } });
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * The zip CRC-32 of some bytes: the manifest's is checked, as the county's reader does
 * (a blob's hash covers its bytes anyway).
 * @param {Uint8Array} bytes
 * @returns {number}
 */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * How deeply arrays and objects nest, counted without recursion, stopping past the cap.
 * @param {unknown} value
 * @returns {number}
 */
export function depth(value) {
  let deepest = 0;
  const stack = [[value, 1]];
  while (stack.length) {
    const [item, level] = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, level);
    if (deepest > MAX_MANIFEST_DEPTH) break;
    for (const child of Object.values(item)) stack.push([child, level + 1]);
  }
  return deepest;
}
