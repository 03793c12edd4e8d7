import { test } from 'node:test';
import assert from 'node:assert/strict';
import { siteFromSearch, siteFromScan } from '../src/lib/site-link.js';

test('siteFromSearch reads a plaque query', () => {
  assert.deepEqual(siteFromSearch('?site=jianzhu-keyuedu/citang'), { packId: 'jianzhu-keyuedu', siteId: 'citang' });
  assert.deepEqual(siteFromSearch('?source=pwa&site=a1/b'), { packId: 'a1', siteId: 'b' });
});

test('siteFromSearch refuses malformed or missing sites', () => {
  for (const bad of ['', '?site=', '?site=onlypack', '?site=a/b/c', '?site=A/b', '?site=a/../b', '?site=a/b%20c']) {
    assert.equal(siteFromSearch(bad), null, bad);
  }
});

test('siteFromScan follows only this origin\'s plaque addresses', () => {
  const origin = 'https://county.example';
  assert.deepEqual(siteFromScan(`${origin}/?site=p1/s1`, origin), { packId: 'p1', siteId: 's1' });
  assert.deepEqual(siteFromScan(`${origin}/index.html?site=p1/s1`, origin), { packId: 'p1', siteId: 's1' });
  assert.equal(siteFromScan('https://elsewhere.example/?site=p1/s1', origin), null);
  assert.equal(siteFromScan(`${origin}/staff/?site=p1/s1`, origin), null);
  assert.equal(siteFromScan('not a url', origin), null);
});
