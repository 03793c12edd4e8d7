/**
 * 积分兑换 (route `#/redeem`), on a volunteer's redemption phone only: scan the learner
 * card (useQrCamera), pick a service of the catalogue the feed brought (`meta` `redeem`),
 * confirm in large print, and sign a voucher offline (lib/points/voucher.js); it is kept
 * (lib/points/wallet.js) and travels in the next heartbeats until the county has it. The
 * phone refuses a redemption past the day's cap for that learner, as the county would.
 * Owns only view state and the camera stream while scanning.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { getMeta } from '../../lib/storage/db.js';
import { uuidv4 } from '../../lib/uuid.js';
import { sign } from '../../lib/transport/device.js';
import { shortNumber } from '../../lib/learner/card.js';
import { capCheck, learnerFromCard, voucherBody } from '../../lib/points/voucher.js';
import { keepVoucher, voucherLog } from '../../lib/points/wallet.js';
import { syncNow } from '../../app/sync.js';
import { useQrCamera, cameraProblem } from '../route/camera.js';

function Scan({ round, onLearner }) {
  const video = useRef(/** @type {HTMLVideoElement | null} */ (null));
  const [wrong, setWrong] = useState(false);
  const camera = useQrCamera(video, (text) => {
    const learner = learnerFromCard(text);
    setWrong(!learner);
    if (learner) onLearner(learner);
    return Boolean(learner);
  }, round);
  const problem = cameraProblem(camera.state);
  return html`
    <p>${t('redeem.scanHint')}</p>
    <div class="scan-view" data-testid="redeem-view" data-state=${camera.state}>
      <video ref=${video} muted playsinline aria-label=${t('scan.camera')}></video>
    </div>
    ${wrong && html`<p class="warn" role="status" data-testid="redeem-not-card">${t('redeem.notCard')}</p>`}
    ${problem && html`<p class="error" role="alert" data-testid="redeem-problem">${t(problem)}</p>`}`;
}

/** @returns {import('preact').VNode} */
export default function RedeemScreen() {
  const [catalogue, setCatalogue] = useState(/** @type {any} */ (undefined));
  const [learner, setLearner] = useState(/** @type {string | null} */ (null));
  const [service, setService] = useState(/** @type {any} */ (null));
  const [refused, setRefused] = useState(/** @type {any} */ (null));
  const [done, setDone] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [round, setRound] = useState(0);
  useEffect(() => {
    getMeta('redeem').then((r) => setCatalogue(r || null)).catch(() => setCatalogue(null));
  }, []);
  if (catalogue === undefined) return html`<h2>${t('redeem.title')}</h2>`;
  if (!catalogue?.redeems) {
    return html`<h2>${t('redeem.title')}</h2><p data-testid="redeem-not-phone">${t('redeem.notPhone')}</p>`;
  }
  const card = learner ? shortNumber(learner) : '';
  const again = () => {
    setLearner(null);
    setService(null);
    setRefused(null);
    setDone(null);
    setError('');
    setRound((n) => n + 1);
  };
  const pick = async (s) => {
    const check = capCheck(await voucherLog(), /** @type {string} */ (learner), s.points, catalogue.daily_cap, new Date());
    setRefused(check.ok ? null : { ...check, cap: catalogue.daily_cap });
    setService(check.ok ? s : null);
  };
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      const now = new Date();
      // Checked again: another tab may have redeemed for this learner meanwhile.
      const check = capCheck(await voucherLog(), /** @type {string} */ (learner), service.points, catalogue.daily_cap, now);
      if (!check.ok) {
        setRefused({ ...check, cap: catalogue.daily_cap });
        setService(null);
        return;
      }
      const body = voucherBody({ learner: /** @type {string} */ (learner), service, voucherId: uuidv4(), now });
      await keepVoucher(/** @type {any} */ (await sign(body)));
      setDone(service);
      setService(null);
      syncNow().catch(() => {});
    } catch {
      setError(t('redeem.failed'));
    } finally {
      setBusy(false);
    }
  };
  let body;
  if (done) {
    body = html`
      <p class="big-confirm ok" role="status" data-testid="redeem-done">${tf('redeem.done', { card, service: done.name, points: done.points })}</p>
      <p>${t('redeem.doneHint')}</p>
      <button type="button" class="btn btn-row" data-testid="redeem-next" onClick=${again}>${t('redeem.next')}</button>`;
  } else if (!learner) {
    body = html`<${Scan} round=${round} onLearner=${setLearner} />`;
  } else if (service) {
    body = html`
      <p class="big-confirm" data-testid="redeem-question">${tf('redeem.confirm', { card, service: service.name, points: service.points })}</p>
      <button type="button" class="btn btn-row" data-testid="redeem-confirm" disabled=${busy} onClick=${confirm}>${t('redeem.yes')}</button>
      <button type="button" class="btn btn-secondary btn-row" data-testid="redeem-cancel" onClick=${() => setService(null)}>${t('redeem.no')}</button>`;
  } else {
    body = html`
      <p class="big-confirm" data-testid="redeem-card">${tf('redeem.card', { card })}</p>
      ${refused && html`<p class="warn" role="alert" data-testid="redeem-over-cap">${tf('redeem.overCap', refused)}</p>`}
      ${catalogue.services.length === 0 && html`<p data-testid="redeem-no-services">${t('redeem.noServices')}</p>`}
      <ul class="links" data-testid="redeem-services">
        ${catalogue.services.map((s) => html`
          <li key=${s.id}><button type="button" class="btn btn-secondary btn-row" data-service=${s.id}
            onClick=${() => pick(s)}>${tf('redeem.service', { service: s.name, points: s.points })}</button></li>`)}
      </ul>
      <button type="button" class="btn btn-secondary btn-row" data-testid="redeem-rescan" onClick=${again}>${t('redeem.rescan')}</button>`;
  }
  return html`
    <h2>${t('redeem.title')}</h2>
    ${body}
    ${error && html`<p class="error" role="alert" data-testid="redeem-error">${error}</p>`}`;
}
