/**
 * A certificate card on "我的学分": the county's seal, the course title, study time and
 * credits, the date and the QR code of the compact credential (drawn here, offline), with
 * "分享证书" (a picture file) and "打印证书" (large, print CSS in app.css). Owns nothing.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { qrPath } from './qr-svg.js';
import { sealMarkup } from './seal.js';
import { certificateSvg, shareCertificate } from './picture.js';

/**
 * Print one card alone: the print CSS shows only `.cert[data-printing]`.
 * @param {HTMLElement | null} card
 */
function printCard(card) {
  if (!card) return;
  card.dataset.printing = 'true';
  document.documentElement.classList.add('printing-cert');
  const done = () => {
    delete card.dataset.printing;
    document.documentElement.classList.remove('printing-cert');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

/**
 * @param {{outcome: import('./summary.js').Outcome, issuer: string, revoked: boolean}} props
 * @returns {import('preact').VNode}
 */
export function Certificate({ outcome, issuer, revoked }) {
  const [qr, setQr] = useState(/** @type {{size: number, path: string} | null} */ (null));
  const [note, setNote] = useState('');
  const [card, setCard] = useState(/** @type {HTMLElement | null} */ (null));
  useEffect(() => {
    if (outcome.qr) qrPath(outcome.qr).then(setQr).catch(() => {});
  }, [outcome.qr]);
  const date = (outcome.certified || '').slice(0, 10);
  const seal = /** @type {[string, string]} */ ([issuer || t('cert.seal'), t('cert.sealSub')]);
  const lines = [tf('cert.hours', { hours: outcome.hours, credits: outcome.credits }), tf('cert.date', { date })];
  const id = `cert-${outcome.definition}`;
  const share = async () => {
    const svg = certificateSvg({ title: outcome.title, lines, seal, qr });
    const how = await shareCertificate(svg, `${outcome.title}-${date}`).catch(() => 'cancelled');
    setNote(how === 'saved' ? t('cert.shared') : '');
  };
  return html`
    <article class="cert" ref=${setCard} data-testid=${id} data-status=${revoked ? 'revoked' : 'certified'}
      aria-labelledby=${`${id}-title`}>
      <svg class="cert-seal" viewBox="0 0 100 100" width="96" height="96" aria-hidden="true" focusable="false"
        dangerouslySetInnerHTML=${{ __html: sealMarkup(...seal) }}></svg>
      <h4 id=${`${id}-title`} class="cert-title">${outcome.title}</h4>
      ${lines.map((line) => html`<p class="cert-line">${line}</p>`)}
      ${revoked && html`<p class="cert-revoked" data-testid=${`${id}-revoked`}>${t('cert.revoked')}</p>`}
      ${outcome.qr
        ? qr && html`
          <svg class="cert-qr" data-testid=${`${id}-qr`} viewBox=${`-4 -4 ${qr.size + 8} ${qr.size + 8}`}
            role="img" aria-label=${t('cert.qr')}>
            <rect x="-4" y="-4" width=${qr.size + 8} height=${qr.size + 8} fill="#fff" />
            <path d=${qr.path} fill="#000" shape-rendering="crispEdges" />
          </svg>`
        : html`<p class="meta">${t('cert.qrWait')}</p>`}
      <div class="cert-actions">
        <button type="button" class="btn btn-secondary" data-testid=${`${id}-share`} onClick=${share}>${t('cert.share')}</button>
        <button type="button" class="btn btn-secondary" data-testid=${`${id}-print`} onClick=${() => printCard(card)}>${t('cert.print')}</button>
      </div>
      ${note && html`<p class="meta" role="status">${note}</p>`}
    </article>`;
}
