/**
 * Checking in to an event (route `#/checkin/<token>`, from the event's QR code
 * through the camera app or the in-app scanner): offline, it checks the token's
 * signature against the county's trusted keys, then records one
 * `attended` record whose evidence is the signed token, and says
 * "已签到：<title>". Owns the `meta.checkins` list (`<learner>:<event>`), so a
 * second scan by the same profile confirms again and records nothing.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t, errorText } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { readCheckin } from '../../lib/checkin-link.js';
import { recordEvent, activeLearner } from '../../lib/outbox/queue.js';
import { getMeta, setMeta } from '../../lib/storage/db.js';
import { VERB_BASE } from '../../lib/records/facts.js';
import { afterRecord } from '../../app/sync.js';
import { verifyEnvelope } from '../../lib/packs/verify.js';

/**
 * Record the attendance unless this profile has checked in to the event already.
 * @param {import('../../lib/checkin-link.js').Checkin} c
 * @returns {Promise<'done' | 'again'>}
 */
export async function checkIn(c) {
  const learner = await activeLearner();
  const key = `${learner}:${c.event}`;
  const done = (await getMeta('checkins')) || [];
  if (done.includes(key)) return 'again';
  await recordEvent({
    verb: `${VERB_BASE}attended`,
    object: { pack: c.pack, version: 1, event: c.event },
    // The event's credit hours are its learning time; the county refuses more than that.
    result: c.hours > 0
      ? { duration: `PT${Math.round(c.hours * 3600)}S`, evidence: { checkin: c.token } }
      : { evidence: { checkin: c.token } },
  });
  await setMeta('checkins', [...done, key].slice(-500));
  afterRecord();
  return 'done';
}

/**
 * @param {{route: {token?: string}}} props
 * @returns {import('preact').VNode}
 */
export default function CheckinScreen({ route }) {
  const c = readCheckin(route.token || '');
  // 'saving' | 'done' | 'again' | 'early' | 'late' | 'invalid' | 'failed'
  const [state, setState] = useState(c ? 'saving' : 'invalid');
  const [error, setError] = useState('');
  useEffect(() => {
    if (!c) return;
    const now = Date.now() / 1000;
    verifyEnvelope(c.envelope, 'checkin').then(
      () => {
        if (now < c.nb) return setState('early');
        if (now > c.na) return setState('late');
        return checkIn(c).then(setState).catch((err) => {
          setError(errorText(err?.code || 'storage-full'));
          setState('failed');
        });
      },
      // Not signed by a key of this county (or the keys are unreadable): nothing is recorded.
      () => setState('invalid'),
    );
  }, [route.token]);
  if (state === 'saving') return html`<p class="muted">${t('lesson.loading')}</p>`;
  if (!c || state === 'invalid') {
    return html`
      <h2>${t('checkin.title')}</h2>
      <p class="error" role="alert" data-testid="checkin-invalid">${t('checkin.invalid')}</p>
      <a class="btn btn-secondary" href="#/scan">${t('checkin.scanAgain')}</a>`;
  }
  const ok = state === 'done' || state === 'again';
  return html`
    <h2>${t('checkin.title')}</h2>
    ${ok && html`
      <p class="checkin-done" role="status" data-testid="checkin-done" data-state=${state}>${tf('checkin.done', { title: c.title })}</p>
      <p>${t(state === 'again' ? 'checkin.again' : 'checkin.saved')}</p>`}
    ${state === 'early' && html`<p class="error" role="alert" data-testid="checkin-early">${tf('checkin.early', { title: c.title })}</p>`}
    ${state === 'late' && html`<p class="error" role="alert" data-testid="checkin-late">${tf('checkin.late', { title: c.title })}</p>`}
    ${state === 'failed' && html`<p class="error" role="alert" data-testid="checkin-failed">${error}</p>`}
    <a class="btn" href="#/">${t('checkin.home')}</a>`;
}
