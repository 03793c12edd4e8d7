// The phone's code for each archive in a file of cases ({trusted, cases: [{archive}]}, the
// layout of tests/vectors/archives.json), printed as one JSON list; null where the archive
// is accepted. tests/server/packs/test_archive_vectors.py compares them with the county's.
import { readFileSync } from 'node:fs';
import { readVerifiedArchive } from '../src/workers/archive-reader.js';
import { base64urlDecode } from '../src/lib/base64url.js';

const { trusted, cases } = JSON.parse(readFileSync(process.argv[2], 'utf-8'));
const keys = new Map(trusted.map((k) => [k.key_id, { raw: base64urlDecode(k.public_key), expires: null }]));
const codes = [];
for (const c of cases) {
  let code = null;
  try {
    // eslint-disable-next-line no-unused-vars
    for await (const _ of readVerifiedArchive(new Blob([Buffer.from(c.archive, 'base64')]), keys));
  } catch (err) {
    code = err?.name === 'XuedianError' ? err.code : `not-own-error: ${err}`;
  }
  codes.push(code);
}
process.stdout.write(JSON.stringify(codes));
