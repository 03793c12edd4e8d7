// tests/vectors/credentials.json against the phone's verifier (src/lib/credentials/verify.js);
// tests/server/credentials/test_credential_vectors.py checks the same file against the county's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { verifyCompact, resolveDidKey } from '../src/lib/credentials/verify.js';

const vectors = JSON.parse(readFileSync(new URL('../../tests/vectors/credentials.json', import.meta.url), 'utf8'));
const lists = new Map(Object.entries(vectors.lists));

for (const c of vectors.cases) {
  test(`compact credential: ${c.name}`, async () => {
    const result = await verifyCompact(c.compact, lists);
    assert.equal(result.verified, c.verified);
    assert.equal(result.error, c.error);
    assert.equal(result.status, c.status);
    if (c.verified) assert.equal(result.issuer, c.issuer);
  });
}

test('a did:key method names its own key', () => {
  const { controller, key } = resolveDidKey(`${vectors.issuer}#${vectors.issuer.slice(8)}`);
  assert.equal(controller, vectors.issuer);
  assert.equal(key.length, 32);
  assert.throws(() => resolveDidKey(`${vectors.issuer}#other`));
});
