/**
 * The learning account on the profiles screen: the learner card (a QR code of the
 * learner id, no name, and the short number in large print), the recovery code shown
 * once on request, and "换新手机？输入恢复码" to bring an account to this phone.
 * Owns only view state; the account calls are lib/learner/account.js's.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { recoverAccount, requestRecoveryCode } from '../../lib/learner/account.js';
import { cardText, shortNumber } from '../../lib/learner/card.js';
import { qrDataUrl } from '../../lib/qr.js';
import { errorCode } from '../../lib/errors.js';
import { t, errorText } from '../../lib/i18n.js';

const spaced = (n) => `${n.slice(0, 4)} ${n.slice(4)}`;

/** The active profile's learner card and its recovery code. */
export function LearnerCard({ profile }) {
  const [qr, setQr] = useState(/** @type {string | null} */ (null));
  const [code, setCode] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setQr(null);
    setCode(null);
    qrDataUrl(cardText(profile.id)).then(setQr).catch(() => {});
  }, [profile.id]);
  const show = async () => {
    setBusy(true);
    setError(null);
    try {
      setCode(await requestRecoveryCode(profile.id));
    } catch (err) {
      setError(errorText(errorCode(err)));
    } finally {
      setBusy(false);
    }
  };
  const number = shortNumber(profile.id);
  return html`
    <section class="card stack learner-card" aria-labelledby="card-title" data-testid="learner-card">
      <h3 id="card-title">${t('account.card')}</h3>
      ${qr && html`<img class="card-qr" src=${qr} width="180" height="180" alt=${t('account.qrAlt')} data-testid="card-qr" />`}
      <p class="card-number" data-testid="card-number" aria-label=${`${t('account.number')} ${number.split('').join(' ')}`}>${spaced(number)}</p>
      <p class="muted">${t('account.cardHint')}</p>
      ${code
        ? html`<div role="status"><p>${t('account.codeOnce')}</p>
            <p class="card-number recovery-code" data-testid="recovery-code">${code}</p></div>`
        : html`<button type="button" class="btn btn-secondary" data-testid="show-recovery" disabled=${busy}
            onClick=${show}>${t('account.showCode')}</button>`}
      ${error && html`<p class="error" role="alert" data-testid="recovery-error">${error}</p>`}
    </section>`;
}

/** Bringing an account from an old phone: the recovery code, then the next sync. */
export function RecoverForm({ onDone }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const p = await recoverAccount(code, t('account.recoveredName'));
      setCode('');
      onDone(p);
      import('../../lib/transport/feed.js').then(({ syncAll }) => syncAll()).catch(() => {});
    } catch (err) {
      setError(errorText(errorCode(err)));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <details class="card recover" data-testid="recover">
      <summary data-testid="recover-open">${t('account.newPhone')}</summary>
      <form class="stack" onSubmit=${submit}>
        <p class="muted">${t('account.recoverHint')}</p>
        <label class="field" for="recover-code">${t('account.codeLabel')}</label>
        <input id="recover-code" class="input" data-testid="recover-code" autocomplete="off" autocapitalize="characters"
          spellcheck="false" maxlength="24" value=${code} onInput=${(e) => { setCode(e.currentTarget.value); setError(null); }} />
        ${error && html`<p class="error" role="alert" data-testid="recover-error">${error}</p>`}
        <button type="submit" class="btn" data-testid="recover-submit" disabled=${busy || !code.trim()}>${t('account.recover')}</button>
      </form>
    </details>`;
}
