/**
 * The profiles screen (route `#/profiles`) for a family phone: who is
 * learning, switching (with the PIN where one is set), adding a person,
 * changing a name, age band or village, and removing a person (confirmed, with
 * their PIN where one is set). Owns only view state; the profiles are
 * lib/profiles.js's.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { profileName } from '../../app/profile-chip.js';
import { LearnerCard, RecoverForm } from './account-card.js';
import {
  listProfiles, activeProfile, addProfile, renameProfile, updateProfile, switchProfile, removeProfile,
  onProfileChange, AGE_BANDS, PIN_PATTERN, NAME_MAX, VILLAGE_MAX,
} from '../../lib/learner/profiles.js';
import { errorCode } from '../../lib/errors.js';
import { t, errorText } from '../../lib/i18n.js';

const fill = (key, vars) => Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, String(v)), t(key));

/** The message for a refusal from lib/profiles.js. */
function refusalText(err) {
  const code = errorCode(err);
  if (code === 'pin-wrong') return t('profile.pinWrong');
  if (code === 'pin-wait') return fill('profile.pinWait', { s: /** @type {any} */ (err).details?.seconds ?? 30 });
  const field = /** @type {any} */ (err)?.details?.field;
  if (code === 'validation-failed' && field === 'pin') return t('profile.pinInvalid');
  if (code === 'validation-failed' && field === 'name') return t('profile.nameInvalid');
  if (code === 'validation-failed' && field === 'village') return t('profile.villageInvalid');
  if (code === 'validation-failed' && field === 'last') return t('profile.removeLast');
  if (code === 'validation-failed' && field === 'switch') return t('profile.removeSwitch');
  return errorText(code);
}

/** Age band and village inputs, shared by the add and edit forms. */
function Details({ prefix, band, village, setBand, setVillage }) {
  return html`
    <label class="field" for=${`${prefix}-age`}>${t('profile.ageBand')}</label>
    <select id=${`${prefix}-age`} class="input" data-testid=${`${prefix}-age`} value=${band}
      onChange=${(e) => setBand(e.currentTarget.value)}>
      <option value="">${t('profile.ageNone')}</option>
      ${AGE_BANDS.map((b) => html`<option key=${b} value=${b}>${t(`profile.age.${b}`)}</option>`)}
    </select>
    <label class="field" for=${`${prefix}-village`}>${t('profile.village')}</label>
    <input id=${`${prefix}-village`} class="input" data-testid=${`${prefix}-village`} maxlength=${VILLAGE_MAX}
      value=${village} onInput=${(e) => setVillage(e.currentTarget.value)} />`;
}

/** Switching to a profile with a PIN: the PIN field and its refusals. */
function PinForm({ profile, onDone, onCancel }) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  // The PIN field takes the focus, so the keyboard (and a screen reader) land on it.
  useEffect(() => input.current?.focus(), [error]);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await switchProfile(profile.id, pin);
      onDone(profile);
    } catch (err) {
      setError(refusalText(err));
      setPin('');
    } finally {
      setBusy(false);
    }
  };
  const id = `pin-${profile.id}`;
  return html`
    <form class="stack" onSubmit=${submit}>
      <label class="field" for=${id}>${fill('profile.enterPin', { name: profileName(profile) })}</label>
      <input id=${id} class="input" type="password" inputmode="numeric" autocomplete="off" maxlength="6"
        pattern="[0-9]*" data-testid="pin-input" ref=${input} value=${pin} onInput=${(e) => setPin(e.currentTarget.value)} />
      ${error && html`<p class="error" role="alert" data-testid="pin-error">${error}</p>`}
      <div class="actions">
        <button type="submit" class="btn" data-testid="pin-submit" disabled=${busy}>${t('profile.confirm')}</button>
        <button type="button" class="btn btn-secondary" onClick=${onCancel}>${t('profile.cancel')}</button>
      </div>
    </form>`;
}

/** Removing a profile: asks to confirm, and for the PIN where one is set. */
function RemoveForm({ profile, onDone, onCancel }) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const first = useRef(/** @type {HTMLInputElement | HTMLButtonElement | null} */ (null));
  useEffect(() => first.current?.focus(), [error]);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await removeProfile(profile.id, profile.pin ? pin : undefined);
      onDone(profile);
    } catch (err) {
      setError(refusalText(err));
      setPin('');
    } finally {
      setBusy(false);
    }
  };
  const name = profileName(profile);
  const id = `remove-pin-${profile.id}`;
  return html`
    <form class="stack" onSubmit=${submit} data-testid="remove-form">
      <p>${fill('profile.removeAsk', { name })}</p>
      ${profile.pin && html`
        <label class="field" for=${id}>${fill('profile.removePin', { name })}</label>
        <input id=${id} class="input" type="password" inputmode="numeric" autocomplete="off" maxlength="6"
          pattern="[0-9]*" data-testid="remove-pin" ref=${first} value=${pin} onInput=${(e) => setPin(e.currentTarget.value)} />`}
      ${error && html`<p class="error" role="alert" data-testid="remove-error">${error}</p>`}
      <div class="actions">
        <button type="submit" class="btn btn-danger" data-testid="remove-confirm" disabled=${busy}
          ref=${profile.pin ? undefined : first}>${t('profile.removeYes')}</button>
        <button type="button" class="btn btn-secondary" onClick=${onCancel}>${t('profile.cancel')}</button>
      </div>
    </form>`;
}

/** Changing a profile's name, age band and village. */
function EditForm({ profile, onDone, onCancel }) {
  const [name, setName] = useState(profile.name || '');
  const [band, setBand] = useState(profile.age_band || '');
  const [village, setVillage] = useState(profile.village || '');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await renameProfile(profile.id, name);
      await updateProfile(profile.id, { age_band: band, village });
      onDone();
    } catch (err) {
      setError(refusalText(err));
    }
  };
  const id = `name-${profile.id}`;
  return html`
    <form class="stack" onSubmit=${submit}>
      <label class="field" for=${id}>${t('profile.newName')}</label>
      <input id=${id} class="input" data-testid="edit-name" maxlength=${NAME_MAX} value=${name}
        onInput=${(e) => { setName(e.currentTarget.value); setError(null); }} />
      <${Details} prefix=${`edit-${profile.id.slice(0, 8)}`} band=${band} village=${village} setBand=${setBand} setVillage=${setVillage} />
      ${error && html`<p class="error" role="alert" data-testid="edit-error">${error}</p>`}
      <div class="actions">
        <button type="submit" class="btn" data-testid="edit-save">${t('profile.save')}</button>
        <button type="button" class="btn btn-secondary" onClick=${onCancel}>${t('profile.cancel')}</button>
      </div>
    </form>`;
}

function AddForm({ onDone }) {
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [band, setBand] = useState('');
  const [village, setVillage] = useState('');
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (pin && !PIN_PATTERN.test(pin)) {
      setError(t('profile.pinInvalid'));
      return;
    }
    setBusy(true);
    try {
      const p = await addProfile({ name, pin: pin || undefined, age_band: band, village });
      setName('');
      setPin('');
      setBand('');
      setVillage('');
      onDone(p);
    } catch (err) {
      setError(refusalText(err));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="card stack" onSubmit=${submit} aria-labelledby="add-title" data-testid="add-profile">
      <h3 id="add-title">${t('profile.add')}</h3>
      <label class="field" for="add-name">${t('profile.name')}</label>
      <input id="add-name" class="input" data-testid="add-name" maxlength=${NAME_MAX} value=${name}
        onInput=${(e) => { setName(e.currentTarget.value); setError(null); }} />
      <label class="field" for="add-pin">${t('profile.pin')}</label>
      <input id="add-pin" class="input" type="password" inputmode="numeric" autocomplete="new-password" maxlength="6"
        pattern="[0-9]*" data-testid="add-pin" value=${pin} onInput=${(e) => { setPin(e.currentTarget.value); setError(null); }} />
      <${Details} prefix="add" band=${band} village=${village} setBand=${setBand} setVillage=${setVillage} />
      <p class="muted">${t('profile.privacy')}</p>
      ${error && html`<p class="error" role="alert" data-testid="add-error">${error}</p>`}
      <button type="submit" class="btn" data-testid="add-save" disabled=${busy}>${t('profile.save')}</button>
    </form>`;
}

/** @returns {import('preact').VNode} */
export default function ProfilesScreen() {
  const [profiles, setProfiles] = useState(/** @type {any[]} */ ([]));
  const [active, setActive] = useState(/** @type {string | null} */ (null));
  const [open, setOpen] = useState(/** @type {{id: string, form: 'pin' | 'edit' | 'remove'} | null} */ (null));
  const [note, setNote] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));

  const load = () => Promise.all([listProfiles(), activeProfile()])
    .then(([list, me]) => {
      setProfiles(list);
      setActive(me.id);
    }).catch(() => {});
  useEffect(() => {
    load();
    return onProfileChange(load);
  }, []);

  const switched = (p) => {
    setOpen(null);
    setNote(fill('profile.switched', { name: profileName(p) }));
  };
  const choose = async (p) => {
    setNote(null);
    setError(null);
    if (p.pin) {
      setOpen({ id: p.id, form: 'pin' });
      return;
    }
    try {
      await switchProfile(p.id);
      switched(p);
    } catch (err) {
      setError(refusalText(err));
    }
  };

  return html`
    <h2>${t('profile.title')}</h2>
    <p class="muted">${t('profile.intro')}</p>
    ${note && html`<p class="ok" role="status" data-testid="profile-note">${note}</p>`}
    ${error && html`<p class="error" role="alert" data-testid="profiles-error">${error}</p>`}
    <ul class="cards" data-testid="profiles-list">
      ${profiles.map((p) => {
        const name = profileName(p);
        const isActive = p.id === active;
        return html`
          <li key=${p.id} class=${isActive ? 'card is-active' : 'card'} data-testid="profile" data-name=${name}
            data-learner=${p.id} data-active=${isActive ? 'true' : 'false'}>
            <h3>${name}${isActive && html` <span class="pill">${t('profile.active')}</span>`}${p.pin && html` <span class="pill pill-quiet">${t('profile.hasPin')}</span>`}</h3>
            ${open?.id === p.id && open.form === 'pin' && html`<${PinForm} profile=${p} onDone=${switched} onCancel=${() => setOpen(null)} />`}
            ${open?.id === p.id && open.form === 'edit' && html`<${EditForm} profile=${p}
              onDone=${() => { setOpen(null); setNote(t('profile.renamed')); }} onCancel=${() => setOpen(null)} />`}
            ${open?.id === p.id && open.form === 'remove' && html`<${RemoveForm} profile=${p}
              onDone=${() => { setOpen(null); setNote(fill('profile.removed', { name })); }} onCancel=${() => setOpen(null)} />`}
            ${open?.id !== p.id && html`
              <div class="actions">
                ${!isActive && html`<button type="button" class="btn profile-switch" data-testid="profile-switch"
                  aria-label=${fill('profile.switchTo', { name })} onClick=${() => choose(p)}>
                  <span aria-hidden="true">${t('profile.switchShort')}</span><span class="one-line" aria-hidden="true">${name}</span></button>`}
                <button type="button" class="btn btn-secondary" data-testid="profile-edit"
                  aria-label=${fill('profile.renameLabel', { name })}
                  onClick=${() => { setNote(null); setOpen({ id: p.id, form: 'edit' }); }}>${t('profile.rename')}</button>
                <button type="button" class="btn btn-secondary" data-testid="profile-remove"
                  aria-label=${fill('profile.removeLabel', { name })}
                  onClick=${() => { setNote(null); setError(null); if (profiles.length < 2) { setError(t('profile.removeLast')); return; } setOpen({ id: p.id, form: 'remove' }); }}>${t('profile.remove')}</button>
              </div>`}
          </li>`;
      })}
    </ul>
    ${active && html`<${LearnerCard} profile=${profiles.find((p) => p.id === active) || { id: active }} />`}
    <${AddForm} onDone=${(p) => setNote(fill('profile.added', { name: profileName(p) }))} />
    <${RecoverForm} onDone=${() => setNote(t('account.recovered'))} />`;
}
