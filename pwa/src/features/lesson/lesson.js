/**
 * The lesson screen. Owns the time the lesson was opened (for the record's
 * duration) and whether this visit's completion was saved. The lesson text
 * comes from Cache Storage, so it works fully offline.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { afterRecord } from '../../app/sync.js';
import { patchSyncState } from '../../app/status.js';
import { installedPack, readPackText } from '../../lib/packs.js';
import { recordEvent } from '../../lib/outbox.js';
import { errorCode } from '../../lib/errors.js';
import { t, pick, errorText } from '../../lib/i18n.js';
import { lessonFragment, isoDuration } from './content.js';

export const VERB_COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

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
  const contentRef = useRef(/** @type {HTMLElement | null} */ (null));
  const openedAt = useRef(Date.now());

  const lesson = row?.manifest.lessons.find((l) => l.id === route.lessonId);

  useEffect(() => {
    openedAt.current = Date.now();
    setSaved(false);
    setSaveError(null);
    setMissing(false);
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId, route.lessonId]);

  useEffect(() => {
    if (row === null || (row && !lesson)) {
      setMissing(true);
      return;
    }
    if (!row || !lesson) return;
    let live = true;
    readPackText(row, lesson.file).then((text) => {
      if (!live) return;
      if (text === null || !contentRef.current) return setMissing(true);
      // textContent + append rather than replaceChildren, which older Android WebViews lack.
      contentRef.current.textContent = '';
      contentRef.current.append(lessonFragment(text, row, lesson.file));
    }).catch(() => live && setMissing(true));
    return () => {
      live = false;
    };
  }, [row, lesson]);

  const complete = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      await recordEvent({
        verb: VERB_COMPLETED,
        object: { pack: row.pack_id, version: row.version, lesson: lesson.id },
        result: { duration: isoDuration(Date.now() - openedAt.current) },
      });
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
    <article class="lesson" data-testid="lesson-content" ref=${contentRef}></article>
    <div class="complete">
      <button type="button" class="btn btn-big" data-testid="complete-lesson" disabled=${saving}
        aria-label=${t('lesson.completeLabel')} onClick=${complete}>${t('lesson.complete')}</button>
      ${saved && html`<p class="ok" role="status" data-testid="lesson-saved">${t('lesson.saved')}</p>`}
      ${saveError && html`<p class="error" role="alert" data-testid="lesson-error">${errorText(saveError)}</p>`}
    </div>`;
}
