// The phone's checks on a county ack's `stored_seq_ranges` (src/lib/transport/ack-ranges.js):
// which ranges are refused, and which device_seq values a checked ack covers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRanges, covered, MAX_RANGES } from '../src/lib/transport/ack-ranges.js';

test('sorted, apart, inclusive ranges pass unchanged', () => {
  const ranges = [[1, 1], [3, 7], [9, 12]];
  assert.equal(checkRanges(ranges), ranges);
  assert.deepEqual(checkRanges([]), []);
});

test('malformed ranges are refused with ack-invalid', () => {
  const bad = [
    null, 'x', {}, [[0, 1]], [[2, 1]], [[1, 2, 3]], [[1]], [[1, 2], [2, 3]], [[3, 4], [1, 2]],
    [[1.5, 2]], [['1', 2]], [[1, Number.MAX_SAFE_INTEGER + 1]], [[-1, 2]],
    Array.from({ length: MAX_RANGES + 1 }, (_, i) => [2 * i + 1, 2 * i + 1]),
  ];
  for (const ranges of bad) {
    assert.throws(() => checkRanges(ranges), (err) => err.code === 'ack-invalid', JSON.stringify(ranges));
  }
});

test('as many ranges as the county may send pass', () => {
  const ranges = Array.from({ length: MAX_RANGES }, (_, i) => [2 * i + 1, 2 * i + 1]);
  assert.equal(checkRanges(ranges).length, MAX_RANGES);
});

test('a device_seq is covered exactly when a range holds it', () => {
  const ranges = checkRanges([[2, 4], [6, 6], [10, 20]]);
  const hits = Array.from({ length: 23 }, (_, seq) => seq).filter((seq) => covered(ranges, seq));
  assert.deepEqual(hits, [2, 3, 4, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  assert.equal(covered([], 1), false);
});
