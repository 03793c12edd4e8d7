// Offline redemption on a volunteer's phone (src/lib/points/voucher.js): the learner card
// a scan reads, the voucher's signed body, the phone's daily cap and the feed's catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capCheck, learnerFromCard, readRedeem, redeemedToday, voucherBody } from '../src/lib/points/voucher.js';

const ann = '1b0c7d2e-0000-4000-8000-000000000001';
const bob = '1b0c7d2e-0000-4000-8000-000000000002';

test('only a learner card names a learner', () => {
  assert.equal(learnerFromCard(`XDL1:${ann}`), ann);
  assert.equal(learnerFromCard(`XDL1:${ann.toUpperCase()}`), ann);
  assert.equal(learnerFromCard(ann), null);
  assert.equal(learnerFromCard('XDL1:not-a-uuid'), null);
  assert.equal(learnerFromCard('XD1:abc'), null);
});

test('a voucher body carries the service and its points now, and no device id yet', () => {
  const now = new Date('2026-12-02T08:00:00.000Z');
  const body = voucherBody({ learner: ann, service: { id: 3, name: '戏曲票', points: 30 }, voucherId: 'v-1', now });
  assert.deepEqual(body, {
    type: 'points-voucher', voucher_id: 'v-1', learner: ann, service: 3, points: 30, time: '2026-12-02T08:00:00.000Z',
  });
});

test('the daily cap counts this learner’s vouchers of today only', () => {
  const now = new Date(2026, 11, 2, 15, 0);
  const earlier = new Date(2026, 11, 2, 9, 0).toISOString();
  const yesterday = new Date(2026, 11, 1, 23, 0).toISOString();
  const log = [
    { learner: ann, points: 30, time: earlier },
    { learner: ann, points: 40, time: yesterday },
    { learner: bob, points: 50, time: earlier },
  ];
  assert.equal(redeemedToday(log, ann, now), 30);
  assert.deepEqual(capCheck(log, ann, 20, 50, now), { ok: true, used: 30, left: 20 });
  assert.deepEqual(capCheck(log, ann, 21, 50, now), { ok: false, used: 30, left: 20 });
  assert.deepEqual(capCheck(log, bob, 1, 50, now), { ok: false, used: 50, left: 0 });
  assert.deepEqual(capCheck([], ann, 50, 50, now), { ok: true, used: 0, left: 50 });
});

test('the redeem section: services of a redemption phone; none for another; null unchanged', () => {
  const kept = readRedeem({
    redeems: true,
    daily_cap: 80,
    services: [{ id: 1, name: '戏曲票', points: 30 }, { id: 'x', name: 'bad', points: 1 }, { id: 2, name: '', points: 5 }],
  });
  assert.deepEqual(kept, { redeems: true, daily_cap: 80, services: [{ id: 1, name: '戏曲票', points: 30 }] });
  assert.deepEqual(readRedeem({ redeems: false, daily_cap: 80, services: [{ id: 1, name: 'x', points: 3 }] }),
    { redeems: false, daily_cap: 80, services: [] });
  assert.equal(readRedeem(null), null);
  assert.equal(readRedeem(undefined), null);
});
