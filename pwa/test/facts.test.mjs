// tests/vectors/record_facts.json against the app's rules (src/lib/records/facts.js);
// tests/server/sync/test_facts_vectors.py checks the same file against the county's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as facts from '../src/lib/records/facts.js';

const vectors = JSON.parse(readFileSync(new URL('../../tests/vectors/record_facts.json', import.meta.url), 'utf8'));

test('the rules are the vector file\'s', () => {
  assert.deepEqual(vectors.rules, {
    max_record_seconds: facts.MAX_RECORD_SECONDS,
    quiz_item: facts.QUIZ_ITEM,
    quiz_pass: facts.QUIZ_PASS,
    min_read_seconds: facts.MIN_READ_SECONDS,
    read_chars_per_second: facts.READ_CHARS_PER_SECOND,
    min_listened: facts.MIN_LISTENED,
    evidence_order: facts.EVIDENCE_ORDER,
  });
});

test('durations in every accepted form', () => {
  for (const [text, seconds] of vectors.durations) assert.equal(facts.durationSeconds(text), seconds, String(text));
});

test('evidence thresholds', () => {
  for (const [evidence, kind] of vectors.evidence) assert.equal(facts.engagement(evidence), kind, JSON.stringify(evidence));
});

for (const c of vectors.cases) {
  test(`facts: ${c.name}`, () => {
    c.records.forEach((record, i) => {
      const { voided, ...expected } = c.facts[i];
      assert.deepEqual(facts.recordFacts(record), expected, record.id);
    });
  });

  test(`derived: ${c.name}`, () => {
    // Arrival order and duplicates: the records as they came, every batch in turn.
    const arrived = c.arrivals.flat().map((i) => c.records[i]);
    for (const records of [arrived, [...arrived].reverse()]) {
      const derived = facts.derive(records, c.packs || {});
      for (const [learner, expected] of Object.entries(c.learners)) {
        const got = derived[learner] || { lessons_completed: 0, lessons_verified: 0, seconds: 0, hours: 0, credits: 0, lessons: [] };
        assert.deepEqual(
          {
            lessons_completed: got.lessons_completed,
            lessons_verified: got.lessons_verified,
            hours: got.hours,
            credits: got.credits,
            seconds: got.seconds,
            lessons: got.lessons.map(({ updated, ...row }) => row),
          },
          expected,
          learner,
        );
      }
    }
  });
}

test('the lesson screen\'s evidence: whole seconds and characters, a share of at most 1, quiz only when passed', () => {
  const quick = facts.completionEvidence({ seconds: 3.9, chars: 600.4 });
  assert.deepEqual(quick, { seconds: 3, chars: 600 });
  assert.equal(facts.engagement(quick), null); // three seconds on a 600-character lesson
  const read = facts.completionEvidence({ seconds: 60.2, chars: 600, listened: 0 });
  assert.deepEqual(read, { seconds: 60, chars: 600, listened: 0 });
  assert.equal(facts.engagement(read), 'time');
  const heard = facts.completionEvidence({ seconds: 5, chars: 600, listened: 1.02 });
  assert.equal(heard.listened, 1);
  assert.equal(facts.engagement(heard), 'narration');
  const passed = facts.completionEvidence({ seconds: 5, chars: 600, quizPassed: true });
  assert.equal(passed.quiz, true);
  assert.equal(facts.engagement(passed), 'quiz');
  assert.equal('quiz' in facts.completionEvidence({ seconds: 5, chars: 600, quizPassed: false }), false);
});
