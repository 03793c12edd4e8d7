import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCheckin, checkinFromSearch, checkinFromScan } from '../src/lib/checkin-link.js';
import { base64urlEncode } from '../src/lib/base64url.js';

const SIG = 'A'.repeat(86);
const body = (over = {}) => ({ type: 'checkin', e: 12, p: 'opera', t: '戏曲讲座', h: 2, nb: 1764660000, na: 1764670000, key_id: 'k-1', ...over });
const token = (b) => `${base64urlEncode(new TextEncoder().encode(JSON.stringify(b)))}.${SIG}`;

test('readCheckin reads the event, course, title and window of a token', () => {
  const tok = token(body());
  assert.deepEqual(readCheckin(tok), {
    token: tok, event: 12, pack: 'opera', title: '戏曲讲座', hours: 2, nb: 1764660000, na: 1764670000,
    envelope: { signed: body(), signature: SIG },
  });
});

test('readCheckin refuses what is no check-in token', () => {
  for (const bad of ['', 'x.y', token(body({ type: 'xdack' })), token(body({ e: '12' })), token(body({ t: 3 })), `${token(body())}A`, 'bm90IGpzb24.' + SIG]) {
    assert.equal(readCheckin(bad), null, bad);
  }
});

test('checkin addresses are followed only from this origin', () => {
  const origin = 'https://county.example';
  const tok = token(body());
  assert.equal(checkinFromSearch(`?checkin=${tok}`), tok);
  assert.equal(checkinFromScan(`${origin}/?checkin=${tok}`, origin), tok);
  assert.equal(checkinFromScan(`https://elsewhere.example/?checkin=${tok}`, origin), null);
  assert.equal(checkinFromScan(`${origin}/staff/?checkin=${tok}`, origin), null);
  assert.equal(checkinFromSearch('?checkin=nope'), null);
});
