/**
 * The phone's learning point on the home and settings screens: where it is
 * enrolled, a QR address waiting for the county, or one the county refused;
 * on settings also a way to change it by pasting another point's QR address
 * (opening that address in the browser does the same). Owns only view state;
 * the enrolment itself is lib/enrolment.js's.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { getEnrolment, onEnrolmentChange, readEnrolLink, askToEnrol } from '../../lib/transport/enrolment.js';
import { ensureRegistered } from '../../lib/transport/device.js';
import { t, getLang, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { XuedianError } from '../../lib/errors.js';

function useEnrolment() {
  const [e, setE] = useState(/** @type {import('../../lib/transport/enrolment.js').Enrolment | null} */ (null));
  useEffect(() => {
    const load = () => getEnrolment().then(setE).catch(() => {});
    load();
    return onEnrolmentChange(load);
  }, []);
  return e;
}

/** One line: joined, joining, refused or not yet. */
function PointLine({ e }) {
  const name = getLang() === 'en' ? e.name_en || e.name : e.name;
  const lines = [];
  if (e.pending) lines.push(html`<p data-testid="point-pending">${tf('point.pending', { code: e.pending.point })}</p>`);
  if (e.refused) lines.push(html`<p class="error" role="alert" data-testid="point-refused">${tf('point.refused', { code: e.refused })}</p>`);
  lines.push(e.point
    ? html`<p data-testid="point-name" data-code=${e.point}>${tf('point.at', { name: name || e.point })}</p>`
    : html`<p data-testid="point-none">${t('point.none')}</p>`);
  return lines;
}

/** Paste another point's QR address to move this phone there. */
function ChangePoint() {
  const [link, setLink] = useState('');
  const [message, setMessage] = useState('');
  const submit = async (ev) => {
    ev.preventDefault();
    setMessage('');
    let url = null;
    try {
      url = new URL(link.trim(), location.href);
    } catch {
      // shown as not a point's address below
    }
    const found = url ? readEnrolLink(url.href) : null;
    if (!url || !found) return setMessage(t('point.badLink'));
    if (url.origin !== location.origin) return setMessage(t('point.otherSite'));
    await askToEnrol(found);
    setLink('');
    try {
      await ensureRegistered();
    } catch (err) {
      setMessage(errorText(err instanceof XuedianError ? err.code : 'internal-error'));
    }
  };
  return html`
    <form class="stack point-change" onSubmit=${submit} data-testid="point-change">
      <h3 id="point-change-title">${t('point.change')}</h3>
      <p class="muted">${t('point.changeHint')}</p>
      <label class="field" for="point-link">${t('point.link')}</label>
      <input id="point-link" class="input" type="url" inputmode="url" autocomplete="off" value=${link}
        data-testid="point-link" onInput=${(ev) => setLink(ev.currentTarget.value)} />
      <button type="submit" class="btn" data-testid="point-join">${t('point.join')}</button>
      ${message && html`<p class="error" role="alert" data-testid="point-message">${message}</p>`}
    </form>`;
}

/**
 * The learning point section.
 * @param {{change?: boolean}} props `change`: offer to move to another point
 * @returns {import('preact').VNode | null}
 */
export default function PointStatus({ change = false }) {
  const e = useEnrolment();
  if (!e) return null;
  return html`
    <section class="home-block point" aria-labelledby="point-title" data-testid="point">
      <h2 id="point-title">${t('point.title')}</h2>
      <${PointLine} e=${e} />
      ${change && html`<${ChangePoint} />`}
    </section>`;
}
