/**
 * The active learner's name in the header, as a link to `#/profiles`. Owns
 * nothing: it reads lib/profiles.js and re-renders when the profile or the
 * language changes.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { activeProfile, onProfileChange } from '../lib/learner/profiles.js';
import { t } from '../lib/i18n.js';

/**
 * A profile's name as shown: the first profile, made before profiles had names, is 我 / Me.
 * @param {{name: string | null} | null | undefined} profile
 * @returns {string}
 */
export function profileName(profile) {
  return profile?.name || t('profile.me');
}

/** @returns {import('preact').VNode} */
export function ProfileChip() {
  const [profile, setProfile] = useState(/** @type {any} */ (null));
  useEffect(() => {
    const load = () => activeProfile().then(setProfile).catch(() => {});
    load();
    return onProfileChange(load);
  }, []);
  const name = profileName(profile);
  return html`
    <a class="profile-chip" href="#/profiles" data-testid="profile-chip" data-learner=${profile?.id || ''}
      aria-label=${t('profile.chipLabel').replace('{name}', name)}>
      ${name}
    </a>`;
}
