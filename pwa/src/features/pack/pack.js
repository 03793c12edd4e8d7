/**
 * The pack screen: the lessons of one installed pack. Owns nothing; it reads
 * the pack's verified manifest from the `packs` store.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { installedPack, resumeDownloads } from '../../lib/packs.js';
import { t, pick } from '../../lib/i18n.js';

/**
 * @param {{route: {packId: string}}} props
 * @returns {import('preact').VNode}
 */
export default function PackScreen({ route }) {
  const [row, setRow] = useState(/** @type {any} */ (undefined));
  useEffect(() => {
    resumeDownloads().catch(() => {});
  }, []);
  useEffect(() => {
    installedPack(route.packId).then((r) => setRow(r || null)).catch(() => setRow(null));
  }, [route.packId]);
  if (row === undefined) return html`<p class="muted">${t('lesson.loading')}</p>`;
  if (row === null) {
    return html`
      <p><a class="back" href="#/">${t('nav.back')}</a></p>
      <p data-testid="pack-missing">${t('pack.notInstalled')}</p>
      <a class="btn" href="#/">${t('pack.goCatalog')}</a>`;
  }
  const m = row.manifest;
  return html`
    <p><a class="back" href="#/">${t('nav.back')}</a></p>
    <h2 data-testid="pack-title">${pick(m.title) || m.pack_id}</h2>
    ${m.description && html`<p>${pick(m.description)}</p>`}
    <h3>${t('pack.lessons')}</h3>
    <ol class="lessons">
      ${m.lessons.map((lesson) => html`
        <li key=${lesson.id}>
          <a class="btn btn-row" href=${href('lesson', m.pack_id, lesson.id)}
            data-testid=${`lesson-${lesson.id}`}>${pick(lesson.title) || lesson.id}</a>
        </li>`)}
    </ol>`;
}
