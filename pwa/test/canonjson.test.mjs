// tests/vectors/canonjson.json against the app's canonical JSON (src/lib/transport/canonjson.js);
// tests/server/core/test_canonjson.py checks the same file against the county's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalize, canonicalBytes } from '../src/lib/transport/canonjson.js';

const { cases } = JSON.parse(readFileSync(new URL('../../tests/vectors/canonjson.json', import.meta.url), 'utf8'));

test('the vector file has cases', () => {
  assert.ok(cases.length >= 20);
});

for (const c of cases) {
  test(`vector: ${c.name}`, () => {
    assert.equal(canonicalize(c.value), c.canonical);
    // The signed bytes: UTF-8 of the canonical text (escapes are ASCII, so no lone surrogate remains).
    assert.deepEqual(canonicalBytes(c.value), new TextEncoder().encode(c.canonical));
  });
}

test('values JSON cannot carry are refused', () => {
  for (const value of [NaN, Infinity, -Infinity, undefined, () => 1, { a: NaN }, [Infinity]]) {
    assert.throws(() => canonicalize(value), TypeError, String(value));
  }
});

test('properties whose value is undefined are left out, as JSON.stringify does', () => {
  assert.equal(canonicalize({ b: undefined, a: 1 }), '{"a":1}');
});
