/**
 * The lesson screen. Owns the time the lesson was opened (for the record's
 * duration), the evidence of this visit's engagement (seconds the content was
 * on screen while the app was visible, the text's length, the share of the
 * narration played; lib/records/facts.js judges it), whether this visit's
 * completion was saved and whether it counts as verified, and the object URLs
 * it made. The lesson text (zh-CN or en, by the app language) and its audio
 * come from the blob store, so they work fully offline; the audio plays from
 * its /content/ URL, which the service worker answers with Range support.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { afterRecord } from '../../app/sync.js';
import { patchSyncState } from '../../app/status.js';
import { installedPack, readPackText, contentUrl, resumeDownloads } from '../../lib/packs/packs.js';
import { recordEvent } from '../../lib/outbox/queue.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText, getLang } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { rememberLesson } from '../../lib/learner/last-lesson.js';
import { packProgress } from '../../lib/learner/progress.js';
import { completionEvidence, engagement, QUIZ_PASS } from '../../lib/records/facts.js';
import { NarrationPlayer } from './player.js';
import { lessonFragment, isoDuration, contentServed, objectUrl, localizeMedia } from './content.js';
import { ReadAloud } from './read-aloud.js';
import { lessonAfter } from './next.js';

export const VERB_COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

/**
 * The lesson body for a language: `files[lang]`, else zh-CN, else `file`.
 * @param {any} lesson a manifest lesson
 * @param {string} lang
 * @returns {string}
 */
export function lessonFile(lesson, lang) {
  return lesson.files?.[lang] || lesson.files?.['zh-CN'] || lesson.file;
}

/**
 * Milliseconds the page has been visible since `start()`: time on the content, not time
 * the phone lay locked or the app sat in the background.
 */
function visibleClock() {
  let total = 0;
  let since = /** @type {number | null} */ (null);
  const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';
  return {
    start() {
      total = 0;
      since = visible() ? Date.now() : null;
    },
    change() {
      if (visible() && since === null) since = Date.now();
      else if (!visible() && since !== null) {
        total += Date.now() - since;
        since = null;
      }
    },
    millis: () => total + (since === null ? 0 : Date.now() - since),
  };
}

function LessonAudio({ row, audio, onListened }) {
  const [src, setSrc] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    if (contentServed()) {
      setSrc(contentUrl(row.pack_id, row.version, audio.path));
      return undefined;
    }
    // First visit, before the service worker took over: play from an object URL.
    let url = null;
    let live = true;
    objectUrl(row, audio.path).then((u) => {
      url = u;
      if (live) setSrc(u);
      else if (u) URL.revokeObjectURL(u);
    }).catch(() => {});
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [row, audio.path]);
  return html`
    <div class="lesson-audio">
      <p id="lesson-audio-label">${t('lesson.audio')}</p>
      ${src && html`<${NarrationPlayer} src=${src} seconds=${audio.seconds} onListened=${onListened} />`}
    </div>`;
}

/**
 * Where to go once the lesson is done: its quiz, then the next lesson (or back to
 * the pack after the last). Before 完成 only the quiz is offered, quietly.
 */
function WhatNext({ row, lesson, saved }) {
  const quiz = lesson.quiz?.length > 0;
  const next = lessonAfter(row.manifest, lesson.id);
  const quizLink = quiz && html`<a class=${saved ? 'btn btn-big' : 'btn btn-secondary'} href=${href('quiz', row.pack_id, lesson.id)}
    data-testid="lesson-quiz">${t('pack.quiz')}</a>`;
  if (!saved) return quizLink ? html`<p>${quizLink}</p>` : null;
  const nextLink = next
    ? html`<a class=${quiz ? 'btn btn-secondary' : 'btn btn-big'} href=${href('lesson', row.pack_id, next.id)}
        data-testid="lesson-next" aria-label=${tf('lesson.nextLabel', { lesson: next.title })}>${t('lesson.next')}</a>`
    : html`<a class=${quiz ? 'btn btn-secondary' : 'btn btn-big'} href=${href('pack', row.pack_id)}
        data-testid="lesson-pack-done">${t('lesson.backToPack')}</a>`;
  return html`<div class="stack" data-testid="lesson-next-steps">${quizLink}${nextLink}</div>`;
}

/**
 * @param {{route: {packId: string, lessonId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function LessonScreen({ route }) {
  const [row, setRow] = useState(/** @type {any} */ (undefined));
  const [missing, setMissing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState(/** @type {string | null} */ (null));
  const [saving, setSaving] = useState(false);
  const [verified, setVerified] = useState(false);
  const contentRef = useRef(/** @type {HTMLElement | null} */ (null));
  const openedAt = useRef(Date.now());
  const shown = useRef(visibleClock());
  const chars = useRef(0);
  const listened = useRef(/** @type {number | null} */ (null));
  const onListened = useCallback((share) => {
    listened.current = Math.max(listened.current ?? 0, share);
  }, []);

  const lesson = row?.manifest.lessons.find((l) => l.id === route.lessonId);
  const lang = getLang();

  useEffect(() => {
    resumeDownloads().catch(() => {});
  }, []);

  useEffect(() => {
    const change = () => shown.current.change();
    document.addEventListener('visibilitychange', change);
    return () => document.removeEventListener('visibilitychange', change);
  }, []);

  useEffect(() => {
    openedAt.current = Date.now();
    shown.current.start();
    chars.current = 0;
    listened.current = null;
    setSaved(false);
    setSaveError(null);
    setMissing(false);
    // Forget the previous lesson's row: it may be a version an update has just replaced.
    setRow(undefined);
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId, route.lessonId]);

  // "Continue where I stopped" on the home screen.
  useEffect(() => {
    if (lesson) rememberLesson(route.packId, lesson.id).catch(() => {});
  }, [lesson]);

  useEffect(() => {
    if (row === null || (row && !lesson)) {
      setMissing(true);
      return;
    }
    if (!row || !lesson) return;
    let live = true;
    let urls = [];
    const file = lessonFile(lesson, lang);
    readPackText(row, file).then(async (text) => {
      if (!live) return;
      if (text === null) {
        // An update may have been activated meanwhile; read the new version if so.
        const fresh = await installedPack(row.pack_id).catch(() => null);
        if (live && fresh && fresh.version !== row.version) setRow(fresh);
        else if (live) setMissing(true);
        return;
      }
      // Not mounted: the screen is between lessons (a hash change re-renders it as loading
      // before this effect's cleanup runs); the effect runs again once it is back.
      if (!contentRef.current) return;
      const fragment = lessonFragment(text, row, file);
      const made = contentServed() ? [] : await localizeMedia(fragment, row);
      if (!live || !contentRef.current) {
        made.forEach((u) => URL.revokeObjectURL(u));
        return;
      }
      urls = made;
      // textContent + append rather than replaceChildren, which older Android WebViews lack.
      contentRef.current.textContent = '';
      contentRef.current.append(fragment);
      chars.current = (contentRef.current.textContent || '').replace(/\s+/g, '').length;
      // Says which lesson is shown (and timed): after a hash change the previous lesson's
      // text stays on screen until this one's has been read.
      contentRef.current.dataset.lesson = lesson.id;
    }).catch(() => live && setMissing(true));
    return () => {
      live = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [row, lesson, lang]);

  const complete = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const best = lesson.quiz?.length ? (await packProgress(row.pack_id).catch(() => null))?.bestScore[lesson.id] : undefined;
      // The resident may always mark the lesson done; the evidence says whether it counts.
      const evidence = completionEvidence({
        seconds: shown.current.millis() / 1000,
        chars: chars.current,
        listened: lesson.audio?.path ? (listened.current ?? 0) : null,
        quizPassed: typeof best === 'number' && best >= QUIZ_PASS,
      });
      await recordEvent({
        verb: VERB_COMPLETED,
        object: { pack: row.pack_id, version: row.version, lesson: lesson.id },
        result: { duration: isoDuration(Date.now() - openedAt.current), evidence },
      });
      setVerified(engagement(evidence) !== null);
      setSaved(true);
      afterRecord();
    } catch (err) {
      const code = errorCode(err);
      setSaveError(code);
      if (code === 'storage-full') patchSyncState({ notice: code });
    } finally {
      setSaving(false);
    }
  };

  const back = html`<p><a class="back" href=${href('pack', route.packId)} data-testid="back-to-pack">${t('nav.back')}</a></p>`;
  if (missing) return html`${back}<p class="error" role="alert" data-testid="lesson-missing">${t('lesson.notFound')}</p>`;
  if (!row || !lesson) return html`<p class="muted">${t('lesson.loading')}</p>`;
  return html`
    ${back}
    <h2 data-testid="lesson-title">${pick(lesson.title) || lesson.id}</h2>
    ${lesson.audio?.path && html`<${LessonAudio} row=${row} audio=${lesson.audio} />`}
    <${ReadAloud} contentRef=${contentRef} title=${pick(lesson.title) || lesson.id} narration=${Boolean(lesson.audio?.path)} />
    <article class="lesson" data-testid="lesson-content" ref=${contentRef}></article>
    <div class="complete">
      <button type="button" class="btn btn-big" data-testid="complete-lesson" disabled=${saving}
        aria-label=${t('lesson.completeLabel')} onClick=${complete}>${t('lesson.complete')}</button>
      ${saved && html`<p class="ok" role="status" data-testid="lesson-saved" data-verified=${verified ? 'true' : 'false'}>${t('lesson.saved')}${verified ? '' : html` ${t('lesson.unverified')}`}</p>`}
      ${saveError && html`<p class="error" role="alert" data-testid="lesson-error">${errorText(saveError)}</p>`}
      <${WhatNext} row=${row} lesson=${lesson} saved=${saved} />
    </div>`;
}
