// The phone side of the credit bank (src/features/credits, src/lib/transport/credits.js):
// what "我的学分" shows from the stored feed, the verify screen's verdict on the shared
// credential vectors (tests/vectors/credentials.json), and the QR path of a certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mergeCredits, readTrust } from '../src/lib/transport/credits.js';
import { summarize, needWords } from '../src/features/credits/summary.js';
import { verdict, statusLists, describe } from '../src/features/credits/verdict.js';
import { matrixPath } from '../src/features/credits/qr-svg.js';
import { certificateSvg } from '../src/features/credits/picture.js';
import { verifyCompact } from '../src/lib/credentials/verify.js';

const vectors = JSON.parse(readFileSync(new URL('../../tests/vectors/credentials.json', import.meta.url), 'utf8'));
const caseNamed = (name) => vectors.cases.find((c) => c.name === name);
const trust = {
  issuers: [{ did: vectors.issuer, status: 'active' }],
  lists: Object.entries(vectors.lists).map(([url, encoded]) => ({ url, encoded, updated: null })),
};

const ann = 'a-learner';
const section = {
  learners: [ann, 'b-learner'],
  outcomes: [
    { learner: ann, definition: 1, title: '地方戏曲入门', hours: 3, credits: 3, certified: '2026-03-02T08:00:00Z', status: 'certified', revoked: null, qr: 'XD1:abc' },
    { learner: ann, definition: 2, title: '剪纸', hours: 1.5, credits: 1, certified: '2025-11-02T08:00:00Z', status: 'certified', revoked: null, qr: null },
    { learner: ann, definition: 3, title: '茶艺', hours: 2, credits: 2, certified: '2026-01-02T08:00:00Z', status: 'revoked', revoked: '2026-02-01T00:00:00Z', qr: 'XD1:def' },
    { learner: 'stranger', definition: 9, title: 'x', hours: 9, credits: 9, certified: '2026-01-01', status: 'certified' },
  ],
  pending: [{ learner: ann, definition: 4, title: '手机支付', hours: 2, credits: 2, needs: [{ need: 'lessons', count: 2 }, { need: 'quiz', count: 1, score: 60 }] }],
  transfers: [
    { learner: ann, title: '竹编', county: '甲县', hours: 3, credits: 1.5, accepted: '2026-04-01T00:00:00Z' },
    { learner: 'stranger', title: 'y', county: '乙县', hours: 9, credits: 9, accepted: '2026-04-01T00:00:00Z' },
  ],
};

test('a credits section replaces the rows of the learners it lists, and only theirs', () => {
  const before = { [ann]: { outcomes: [{ title: 'old' }], pending: [] }, kept: { outcomes: [{ title: 'kept' }], pending: [] } };
  const after = mergeCredits(before, section);
  assert.equal(after[ann].outcomes.length, 3);
  assert.deepEqual(after['b-learner'], { outcomes: [], pending: [], transfers: [] });
  assert.deepEqual(after[ann].transfers, [{ title: '竹编', county: '甲县', hours: 3, credits: 1.5, accepted: '2026-04-01T00:00:00Z' }]);
  assert.equal(after.kept.outcomes[0].title, 'kept');
  assert.equal(after.stranger, undefined);
  assert.equal(after[ann].outcomes[1].qr, null);
  assert.deepEqual(mergeCredits(before, null), before);
});

test('my credits: totals count certified outcomes and transfers; years, outcomes only', () => {
  const s = summarize(mergeCredits({}, section)[ann]);
  assert.equal(s.hours, 7.5);
  assert.equal(s.credits, 5.5);
  assert.deepEqual(s.transferred.map((x) => x.title), ['竹编']);
  assert.deepEqual(s.years.map((y) => [y.year, y.hours, y.courses.map((c) => c.title)]), [['2026', 3, ['地方戏曲入门']], ['2025', 1.5, ['剪纸']]]);
  assert.deepEqual(s.certified.map((o) => o.definition), [1, 2]);
  assert.deepEqual(s.revoked.map((o) => o.definition), [3]);
  assert.equal(summarize(undefined).hours, 0);
});

test('what a pending outcome still needs is worded from the catalog', () => {
  const zh = { 'credits.need.lessons': '还差 {n} 课', 'credits.need.quiz': '测验需 {score} 分', 'credits.need.unpublished': '这门课还没有发布' };
  const tf = (key, vars = {}) => zh[key].replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
  const [pending] = mergeCredits({}, section)[ann].pending;
  assert.deepEqual(needWords(pending.needs, tf), ['还差 2 课', '测验需 60 分']);
  assert.deepEqual(needWords([{ need: 'unpublished', count: 0, score: 0 }], tf), ['这门课还没有发布']);
});

test('verdict: genuine, revoked, or unknown by issuer, proof or form', async () => {
  const check = async (name, withTrust = trust) => {
    const result = await verifyCompact(caseNamed(name).compact, statusLists(withTrust));
    return verdict(result, withTrust);
  };
  const genuine = vectors.cases.find((c) => c.verified && c.status === 'valid');
  const revoked = vectors.cases.find((c) => c.verified && c.status === 'revoked');
  const forged = vectors.cases.find((c) => !c.verified);
  assert.deepEqual(await check(genuine.name), { verdict: 'genuine', reason: null });
  assert.deepEqual(await check(revoked.name), { verdict: 'revoked', reason: null });
  assert.equal((await check(forged.name)).verdict, 'unknown');
  // Signed well, but by a key this county's sync never named.
  assert.deepEqual(await check(genuine.name, { issuers: [], lists: trust.lists }), { verdict: 'unknown', reason: 'issuer-unknown' });
  // This county's, but no synced list covers it yet.
  assert.deepEqual(await check(genuine.name, { issuers: trust.issuers, lists: [] }), { verdict: 'genuine', reason: 'status-unchecked' });
  assert.equal(verdict(await verifyCompact('https://example.org/'), trust).verdict, 'unknown');
  assert.equal(describe(null).title, '');
});

test('a trust section is kept only when whole', () => {
  assert.equal(readTrust(null), null);
  assert.equal(readTrust({ issuers: [] }), null);
  const kept = readTrust({ issuers: [{ did: 'did:key:z1' }, {}], lists: [{ url: 'u', encoded: 'uX' }, { url: 'v' }] });
  assert.deepEqual(kept, { issuers: [{ did: 'did:key:z1', status: 'active' }], lists: [{ url: 'u', encoded: 'uX', updated: null }] });
});

test('a QR matrix becomes one rectangle per run of dark modules', () => {
  const dark = new Set(['0,0', '0,1', '1,1', '2,0', '2,2']);
  assert.equal(matrixPath(3, (r, c) => dark.has(`${r},${c}`)), 'M0 0h2v1h-2zM1 1h1v1h-1zM0 2h1v1h-1zM2 2h1v1h-1z');
});

test('the shared certificate picture holds the title, lines and QR, escaped', () => {
  const svg = certificateSvg({ title: 'A<B', lines: ['学时 3 小时'], seal: ['某县', '认证'], qr: { size: 21, path: 'M0 0h1v1h-1z' } });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes('A&lt;B') && svg.includes('学时 3 小时') && svg.includes('M0 0h1v1h-1z') && svg.includes('某县'));
});
