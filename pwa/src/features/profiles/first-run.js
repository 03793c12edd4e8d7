/**
 * The first run's one optional question, on home: the age band and the village
 * of the person learning, each skippable, so the county's age report is not
 * all "not given". Owns localStorage `xuedian-first-run` ('done' once saved or
 * skipped); the answers go to the active profile (lib/profiles.js), which the
 * sync heartbeat carries to the county. Someone with a new phone is pointed to
 * the profiles screen's "换新手机？输入恢复码" instead.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { activeProfile, updateProfile, AGE_BANDS, VILLAGE_MAX } from '../../lib/learner/profiles.js';
import { t } from '../../lib/i18n.js';

const KEY = 'xuedian-first-run';

function asked() {
  try {
    return localStorage.getItem(KEY) === 'done';
  } catch {
    return true;
  }
}

function remember() {
  try {
    localStorage.setItem(KEY, 'done');
  } catch {
    // Not remembered: the question comes back next time, which is harmless.
  }
}

/** @returns {import('preact').VNode | null} */
export function FirstRun() {
  const [profile, setProfile] = useState(/** @type {any} */ (null));
  const [done, setDone] = useState(asked);
  const [band, setBand] = useState('');
  const [village, setVillage] = useState('');
  useEffect(() => {
    if (!done) activeProfile().then(setProfile).catch(() => {});
  }, [done]);
  // Someone who already gave either (on the profiles screen) is not asked again.
  if (done || !profile || profile.age_band || profile.village) return null;
  const finish = async (save) => {
    if (save && (band || village.trim())) {
      await updateProfile(profile.id, { age_band: band || undefined, village: village.trim() || undefined }).catch(() => {});
    }
    remember();
    setDone(true);
  };
  return html`
    <form class="card stack first-run" data-testid="first-run" aria-labelledby="first-run-title"
      onSubmit=${(e) => { e.preventDefault(); finish(true); }}>
      <h2 id="first-run-title">${t('firstRun.title')}</h2>
      <p>${t('firstRun.why')}</p>
      <label class="field" for="first-age">${t('profile.ageBand')}</label>
      <select id="first-age" class="input" data-testid="first-age" value=${band} onChange=${(e) => setBand(e.currentTarget.value)}>
        <option value="">${t('profile.ageNone')}</option>
        ${AGE_BANDS.map((b) => html`<option key=${b} value=${b}>${t(`profile.age.${b}`)}</option>`)}
      </select>
      <label class="field" for="first-village">${t('profile.village')}</label>
      <input id="first-village" class="input" data-testid="first-village" maxlength=${VILLAGE_MAX} value=${village}
        onInput=${(e) => setVillage(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" class="btn" data-testid="first-save">${t('profile.save')}</button>
        <button type="button" class="btn btn-secondary" data-testid="first-skip" onClick=${() => finish(false)}>${t('firstRun.skip')}</button>
      </div>
      <p><a class="btn btn-secondary" href="#/profiles" data-testid="first-recover" onClick=${remember}>${t('account.newPhone')}</a></p>
    </form>`;
}
