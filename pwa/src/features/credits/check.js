/**
 * 验证证书 (route `#/verify`): scan another phone's certificate QR code with the in-app
 * scanner (features/route/detector.js) and check it offline with lib/credentials/verify.js
 * against the county's issuer keys and revocation lists this phone got by sync; then say
 * plainly 真实有效, 已撤销 or 无法识别. Owns the camera stream while shown.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { getMeta } from '../../lib/storage/db.js';
import { useQrCamera, cameraProblem } from '../route/camera.js';
import { verdict, statusLists, describe } from './verdict.js';

async function check(text) {
  const [{ verifyCompact }, trust] = await Promise.all([import('../../lib/credentials/verify.js'), getMeta('credential_trust')]);
  const result = await verifyCompact(text, statusLists(trust));
  return { ...verdict(result, trust), about: describe(result.credential) };
}

function Result({ found, onAgain }) {
  const { about } = found;
  return html`
    <section class=${`verdict verdict-${found.verdict}`} data-testid="verify-result" data-verdict=${found.verdict}
      role="status" aria-live="polite">
      <p class="verdict-word">${t(`verify.${found.verdict}`)}</p>
      <p>${t(`verify.${found.verdict}Text`)}</p>
      ${found.verdict !== 'unknown' && html`
        <p><strong>${about.title}</strong></p>
        ${about.hours !== null && html`<p>${tf('verify.hours', { hours: about.hours })}</p>`}
        ${about.date && html`<p>${tf('cert.date', { date: about.date })}</p>`}
        ${about.issuer && html`<p>${tf('verify.issuer', { issuer: about.issuer })}</p>`}`}
      ${found.reason === 'status-unchecked' && html`<p class="warn">${t('verify.unchecked')}</p>`}
    </section>
    <button type="button" class="btn btn-row" data-testid="verify-again" onClick=${onAgain}>${t('verify.again')}</button>`;
}

/**
 * @returns {import('preact').VNode}
 */
export default function VerifyScreen() {
  const video = useRef(/** @type {HTMLVideoElement | null} */ (null));
  const [found, setFound] = useState(/** @type {any} */ (null));
  const [round, setRound] = useState(0);
  const [trusted, setTrusted] = useState(true);
  useEffect(() => {
    getMeta('credential_trust').then((trust) => setTrusted(Boolean(trust?.issuers?.length))).catch(() => {});
  }, [round]);
  const camera = useQrCamera(
    video,
    (text) => {
      check(text)
        .catch(() => ({ verdict: 'unknown', reason: 'credential-compact-invalid', about: describe(null) }))
        .then(setFound);
      return true;
    },
    round,
  );
  // 'starting' | 'scanning' | 'checking' | 'done' | 'no-camera' | 'denied' | 'failed'
  const state = found ? 'done' : camera.state === 'taken' ? 'checking' : camera.state;
  const problem = cameraProblem(state);
  const again = () => {
    setFound(null);
    setRound((n) => n + 1);
  };
  return html`
    <h2>${t('verify.title')}</h2>
    ${!trusted && html`<p class="warn" data-testid="verify-no-trust">${t('verify.trustNone')}</p>`}
    ${found
      ? html`<${Result} found=${found} onAgain=${again} />`
      : html`
        <p>${t('verify.hint')}</p>
        <div class="scan-view" data-testid="verify-view" data-state=${state}>
          <video ref=${video} muted playsinline aria-label=${t('scan.camera')}></video>
        </div>`}
    ${problem && html`<p class="error" role="alert" data-testid="verify-problem">${t(problem)}</p>`}`;
}
