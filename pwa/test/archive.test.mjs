// The phone reads every case of the shared archive vectors (tests/vectors/archives.json) as
// the county does (tests/server/packs/test_archive_vectors.py): the same cases accepted, the
// same codes refused, through the worker's own reader (readVerifiedArchive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readVerifiedArchive } from '../src/workers/archive-reader.js';
import { base64urlDecode } from '../src/lib/base64url.js';
import { checkEntries, listedBlobs, parseDirectory } from '../src/lib/packs/archive-rules.js';

const vectors = JSON.parse(readFileSync(new URL('../../tests/vectors/archives.json', import.meta.url), 'utf-8'));
const keys = new Map(vectors.trusted.map((k) => [k.key_id, { raw: base64urlDecode(k.public_key), expires: null }]));
const archive = (c) => new Blob([Buffer.from(c.archive, 'base64')]);

/** The code the phone gives an archive: null when it reads to the end. */
async function phoneCode(file) {
  const blobs = [];
  try {
    for await (const event of readVerifiedArchive(file, keys)) {
      if (event.type === 'end') blobs.push(event.id);
    }
  } catch (err) {
    assert.equal(err?.name, 'XuedianError', `not the reader's own error: ${err?.stack || err}`);
    return { code: err.code, blobs };
  }
  return { code: null, blobs };
}

test('the vectors cover every code and an accepted archive', () => {
  const codes = new Set(vectors.cases.map((c) => c.code));
  for (const code of [null, 'pack-archive-unsafe', 'pack-archive-invalid', 'blob-hash-mismatch', 'signature-invalid']) {
    assert.ok(codes.has(code), code);
  }
});

for (const c of vectors.cases) {
  test(`archive vector ${c.name}: ${c.code ?? 'accepted'}`, async () => {
    const expected = c.phone_code ?? c.code;
    const { code, blobs } = await phoneCode(archive(c));
    assert.equal(code, expected, c.description);
    if (expected === null) assert.ok(blobs.length >= 1, 'an accepted archive yields its blobs');
  });
}

test('the directory of the valid vector lists the manifest first, then its blobs', () => {
  const bytes = Buffer.from(vectors.cases.find((c) => c.name === 'valid').archive, 'base64');
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const size = bytes.readUInt32LE(end + 12);
  const entries = parseDirectory(new Uint8Array(bytes.subarray(end - size, end)));
  checkEntries(entries);
  assert.deepEqual(entries.map((e) => e.name.split('/')[0]), ['manifest.json', 'blobs', 'blobs']);
});

test('a manifest blob list that is not a list of {id, size} is pack-archive-invalid', () => {
  for (const manifest of [{}, { blobs: 'x' }, { blobs: [{ id: 'AB', size: 1 }] }, { blobs: [{ id: 'a'.repeat(64), size: -1 }] }]) {
    assert.throws(() => listedBlobs(manifest), (err) => err.code === 'pack-archive-invalid');
  }
});

test('mutated vectors are read or refused with the reader\'s own error, never another', async () => {
  // A fixed-seed xorshift, so a failure is repeatable: flips, cuts and inserts over every vector.
  let state = 0x2545f491;
  const next = (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const seeds = vectors.cases.map((c) => Buffer.from(c.archive, 'base64'));
  const runs = Number(process.env.XUEDIAN_FUZZ_EXAMPLES || 300);
  const codes = new Map();
  for (let i = 0; i < runs; i += 1) {
    let bytes = Uint8Array.from(seeds[next(seeds.length)]);
    for (let edits = 1 + next(4); edits > 0; edits -= 1) {
      const at = next(bytes.length + 1);
      const kind = next(3);
      if (kind === 0 && bytes.length) bytes[at % bytes.length] ^= 1 + next(255);
      else if (kind === 1) bytes = bytes.subarray(0, at);
      else bytes = Uint8Array.from([...bytes.subarray(0, at), next(256), ...bytes.subarray(at)]);
    }
    const { code } = await phoneCode(new Blob([bytes]));
    codes.set(code, (codes.get(code) || 0) + 1);
  }
  assert.ok(codes.size >= 3, `too few outcomes: ${[...codes.keys()]}`);
});
