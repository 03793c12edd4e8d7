// The points (积分) the feed brings to the phone (src/lib/transport/credits.js mergePoints)
// and how "我的学分" words each ledger entry (src/features/credits/points.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePoints } from '../src/lib/transport/credits.js';
import { pointsLine } from '../src/features/credits/points.js';

const ann = 'a-learner';
const section = {
  learners: [
    {
      learner: ann,
      balance: 25,
      history: [
        { kind: 'redeem', points: -30, reason: 'voucher', ref: 'v-1', created: '2026-12-02T09:00:00Z' },
        { kind: 'earn', points: 10, reason: 'lesson-completed', ref: 'r-1', created: '2026-12-01T08:00:00Z' },
        { kind: 'bonus', points: 99, reason: 'x', ref: null, created: '2026-12-01T08:00:00Z' },
        { kind: 'earn', points: 45, reason: 'quiz-passed', ref: null, created: null },
      ],
    },
    { learner: 'b-learner', balance: 0, history: [] },
    { balance: 7, history: [] },
  ],
};

test('a points section replaces the learners it lists and keeps the others', () => {
  const before = { [ann]: { balance: 3, history: [] }, kept: { balance: 8, history: [] } };
  const after = mergePoints(before, section);
  assert.equal(after[ann].balance, 25);
  assert.deepEqual(after[ann].history.map((e) => e.kind), ['redeem', 'earn', 'earn']);
  assert.deepEqual(after[ann].history[0], { kind: 'redeem', points: -30, reason: 'voucher', ref: 'v-1', created: '2026-12-02T09:00:00Z' });
  assert.deepEqual(after['b-learner'], { balance: 0, history: [] });
  assert.deepEqual(after.kept, { balance: 8, history: [] });
  assert.equal(Object.keys(after).length, 3);
  assert.equal(before[ann].balance, 3, 'the stored value is not changed in place');
});

test('no points section, or a malformed one, keeps what is stored', () => {
  const stored = { [ann]: { balance: 3, history: [] } };
  assert.deepEqual(mergePoints(stored, null), stored);
  assert.deepEqual(mergePoints(stored, { learners: 'nope' }), stored);
  assert.deepEqual(mergePoints(undefined, undefined), {});
  const odd = mergePoints({}, { learners: [{ learner: ann, balance: 1.5, history: null }] });
  assert.deepEqual(odd[ann], { balance: 0, history: [] });
});

test('each ledger entry is worded plainly with its date', () => {
  const zh = {
    'points.why.lesson': '{date} 学完一课，得到 {n} 分',
    'points.why.quiz': '{date} 测验通过，得到 {n} 分',
    'points.why.event': '{date} 参加活动，得到 {n} 分',
    'points.earned': '{date} 得到 {n} 分',
    'points.redeemed': '{date} 兑换服务，用去 {n} 分',
    'points.expired': '{date} 有 {n} 分过期了',
    'points.reversed': '{date} 更正：扣回 {n} 分',
    'points.returned': '{date} 更正：退还 {n} 分',
  };
  const tf = (key, vars = {}) => zh[key].replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
  const at = '2026-12-01T08:00:00Z';
  const line = (kind, points, reason = '') => pointsLine({ kind, points, reason, created: at }, tf);
  assert.equal(line('earn', 10, 'lesson-completed'), '2026-12-01 学完一课，得到 10 分');
  assert.equal(line('earn', 5, 'quiz-passed'), '2026-12-01 测验通过，得到 5 分');
  assert.equal(line('earn', 5, 'event-attended'), '2026-12-01 参加活动，得到 5 分');
  assert.equal(line('earn', 3, 'staff'), '2026-12-01 得到 3 分');
  assert.equal(line('redeem', -30, 'voucher'), '2026-12-01 兑换服务，用去 30 分');
  assert.equal(line('expire', -4, 'expiry'), '2026-12-01 有 4 分过期了');
  assert.equal(line('reverse', -10, 'lesson-completed'), '2026-12-01 更正：扣回 10 分');
  assert.equal(line('reverse', 30, 'voucher'), '2026-12-01 更正：退还 30 分');
});
