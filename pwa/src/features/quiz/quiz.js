/**
 * The quiz screen (route `#/quiz/<pack>/<lesson>`): the lesson's questions from
 * the installed manifest, one at a time. Tapping a choice answers it; the
 * screen says right or wrong at once, with the explanation and the right
 * answer, then "next". The end shows the score and "try again".
 *
 * Records (lib/outbox.js): one `answered` per answer, object {pack, version,
 * lesson, item: question id}, result {success, response: choice index, score
 * 1|0}; one `attempted` at the end, item 'quiz', result {score: right/total,
 * success: score ≥ 0.6}. Owns only the walk through the questions.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { afterRecord } from '../../app/sync.js';
import { patchSyncState } from '../../app/status.js';
import { installedPack } from '../../lib/packs/packs.js';
import { recordEvent } from '../../lib/outbox/queue.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { QUIZ_ITEM, QUIZ_PASS } from '../../lib/records/facts.js';

const VERB = 'http://adlnet.gov/expapi/verbs/';
export const VERB_ANSWERED = `${VERB}answered`;
export const VERB_ATTEMPTED = `${VERB}attempted`;
/** The share of right answers that passes (lib/records/facts.js). */
export const PASS = QUIZ_PASS;

const fresh = () => ({ index: 0, chosen: /** @type {number | null} */ (null), right: 0, finished: false });

/**
 * @param {{route: {packId: string, lessonId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function QuizScreen({ route }) {
  const [row, setRow] = useState(/** @type {any} */ (undefined));
  const [walk, setWalk] = useState(fresh);
  const [saveError, setSaveError] = useState(/** @type {string | null} */ (null));
  const feedbackRef = useRef(/** @type {HTMLElement | null} */ (null));
  const headRef = useRef(/** @type {HTMLElement | null} */ (null));

  useEffect(() => {
    setWalk(fresh());
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId, route.lessonId]);

  // Move focus to the feedback after an answer, and to the question after "next".
  useEffect(() => {
    if (walk.chosen !== null) feedbackRef.current?.focus();
    else headRef.current?.focus();
  }, [walk.chosen, walk.index, walk.finished]);

  const lesson = row?.manifest.lessons.find((l) => l.id === route.lessonId);
  const back = html`<p><a class="back" href=${href('pack', route.packId)} data-testid="quiz-back">${t('nav.back')}</a></p>`;
  if (row === undefined) return html`<p class="muted">${t('lesson.loading')}</p>`;
  if (!row || !lesson) return html`${back}<p class="error" role="alert" data-testid="quiz-missing">${t('lesson.notFound')}</p>`;
  const questions = lesson.quiz || [];
  if (questions.length === 0) return html`${back}<p data-testid="quiz-none">${t('quiz.none')}</p>`;

  const save = async (event) => {
    try {
      await recordEvent(event);
      return true;
    } catch (err) {
      const code = errorCode(err);
      setSaveError(code);
      if (code === 'storage-full') patchSyncState({ notice: code });
      return false;
    }
  };
  const object = (item) => ({ pack: row.pack_id, version: row.version, lesson: lesson.id, item });

  const answer = async (i) => {
    if (walk.chosen !== null) return;
    const q = questions[walk.index];
    const ok = i === q.answer;
    setWalk((w) => ({ ...w, chosen: i, right: w.right + (ok ? 1 : 0) }));
    await save({ verb: VERB_ANSWERED, object: object(q.id), result: { success: ok, response: String(i), score: ok ? 1 : 0 } });
  };
  const next = async () => {
    if (walk.index + 1 < questions.length) {
      setWalk((w) => ({ ...w, index: w.index + 1, chosen: null }));
      return;
    }
    setWalk((w) => ({ ...w, finished: true }));
    const score = Math.round((walk.right / questions.length) * 10000) / 10000;
    if (await save({ verb: VERB_ATTEMPTED, object: object(QUIZ_ITEM), result: { score, success: score >= PASS } })) afterRecord();
  };

  const title = html`<h2 tabindex="-1" ref=${headRef} data-testid="quiz-title">${t('quiz.title')} · ${pick(lesson.title)}</h2>`;
  const failure = saveError && html`<p class="error" role="alert" data-testid="quiz-error">${errorText(saveError)}</p>`;
  if (walk.finished) {
    const passed = walk.right / questions.length >= PASS;
    return html`
      ${back}${title}
      <div class="quiz-score" data-testid="quiz-score" data-right=${walk.right} data-total=${questions.length}>
        <p class="score-line">${tf('quiz.score', { right: walk.right, n: questions.length })}</p>
        <p class=${passed ? 'ok' : ''}>${passed ? t('quiz.passed') : t('quiz.failed')}</p>
      </div>
      ${failure}
      <div class="actions">
        <button type="button" class="btn" data-testid="quiz-retry" onClick=${() => setWalk(fresh())}>${t('quiz.retry')}</button>
        <a class="btn btn-secondary" href=${href('pack', row.pack_id)} data-testid="quiz-to-pack">${t('quiz.backToPack')}</a>
      </div>`;
  }

  const q = questions[walk.index];
  const answered = walk.chosen !== null;
  const ok = walk.chosen === q.answer;
  return html`
    ${back}${title}
    <p class="meta" data-testid="quiz-progress">${tf('quiz.of', { i: walk.index + 1, n: questions.length })}</p>
    <fieldset class="quiz" data-testid="quiz-question" data-id=${q.id}>
      <legend class="prompt">${pick(q.prompt)}</legend>
      <ul class="choices">
        ${q.choices.map((c, i) => {
          let mark = '';
          if (answered && i === q.answer) mark = 'is-right';
          else if (answered && i === walk.chosen) mark = 'is-wrong';
          return html`
          <li key=${i}>
            <button type="button" class=${`btn btn-row choice ${mark}`} data-testid=${`quiz-choice-${i}`}
              aria-pressed=${walk.chosen === i ? 'true' : 'false'} aria-disabled=${answered ? 'true' : undefined}
              onClick=${() => answer(i)}>
              ${mark === 'is-right' && html`<span class="tick" aria-hidden="true">✓</span>`}
              ${mark === 'is-wrong' && html`<span class="tick cross" aria-hidden="true">✗</span>`}
              <span>${pick(c)}</span>
            </button>
          </li>`;
        })}
      </ul>
    </fieldset>
    ${answered && html`
      <div class=${ok ? 'feedback is-right' : 'feedback is-wrong'} tabindex="-1" ref=${feedbackRef}
        role="status" data-testid="quiz-feedback" data-correct=${ok ? 'true' : 'false'}>
        <p class="verdict">${ok ? t('quiz.right') : t('quiz.wrong')}</p>
        ${!ok && html`<p data-testid="quiz-answer">${tf('quiz.answerWas', { answer: q.choices[q.answer] })}</p>`}
        <p data-testid="quiz-explanation">${pick(q.explanation)}</p>
      </div>
      <button type="button" class="btn btn-big" data-testid="quiz-next" onClick=${next}>
        ${walk.index + 1 < questions.length ? t('quiz.next') : t('quiz.finish')}
      </button>`}
    ${failure}`;
}
