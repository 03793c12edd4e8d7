/**
 * The settings screen, "More" (route `#/settings`): language, text size up to
 * 200%, high contrast, read-aloud, data saver, push notifications
 * (features/push/toggle.js), the learning point and how to change it
 * (features/point), syncing by hand (the sync screen and the export of a sync
 * file), storage with per-pack delete (storage.js), and links to profiles, messages, "I want to learn…" and
 * import, and 积分兑换 on a redemption phone. Owns only view state; settings are lib/settings.js's and the
 * language lib/i18n.js's.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { setSettings, mayAutoDownload, TEXT_SCALES } from '../../lib/settings.js';
import { t, getLang, setLang } from '../../lib/i18n.js';
import { StorageSection } from './storage.js';
import { useVoice } from '../../app/listen.js';
import PushToggle from '../push/toggle.js';
import PointStatus from '../point/point.js';
import { ExportBundle } from '../export/button.js';
import { useSyncState, useSettings } from '../../app/external.js';
import { getMeta } from '../../lib/storage/db.js';
import { onFeedChange } from '../../lib/transport/feed.js';
import { warmScanner } from '../route/warm.js';

/** Whether the feed said this phone is a redemption phone (its catalogue, `meta` `redeem`);
 * if so the card scanner is fetched now, so 积分兑换 scans offline. */
function useRedeems() {
  const [redeems, setRedeems] = useState(false);
  useEffect(() => {
    const read = () => getMeta('redeem').then((r) => {
      setRedeems(r?.redeems === true);
      if (r?.redeems === true) warmScanner();
    }).catch(() => {});
    read();
    return onFeedChange(read);
  }, []);
  return redeems;
}

/** Sync by hand: the sync screen and the export of a sync file for a volunteer. */
function SyncSection() {
  const sync = useSyncState();
  return html`
    <section aria-labelledby="sync-title">
      <h3 id="sync-title">${t('sync.title')}</h3>
      <p><a class="btn btn-secondary btn-row" href="#/sync" data-testid="go-sync">${t('sync.open')}</a></p>
      <${ExportBundle} pending=${sync.pending} />
    </section>`;
}

const LANGS = [['zh-CN', '中文'], ['en', 'English']];
const SAVER = [['auto', 'settings.dataSaverAuto'], ['on', 'settings.dataSaverOn'], ['off', 'settings.dataSaverOff']];
const saverValue = (v) => (v === true ? 'on' : v === false ? 'off' : 'auto');
const saverSetting = (v) => (v === 'on' ? true : v === 'off' ? false : 'auto');

/** A radio group with a visible legend; each choice is a 48 px row. */
function Choices({ name, legend, options, value, onChange, testid }) {
  return html`
    <fieldset class="setting-group" data-testid=${testid}>
      <legend>${legend}</legend>
      ${options.map(([v, label, lang]) => html`
        <label key=${v} class="setting-option" lang=${lang}>
          <input type="radio" name=${name} value=${v} checked=${value === v} data-testid=${`${testid}-${v}`}
            onChange=${() => onChange(v)} />
          <span>${label}</span>
        </label>`)}
    </fieldset>`;
}

function Toggle({ label, checked, disabled, onChange, testid, hint }) {
  return html`
    <label class="setting-option">
      <input type="checkbox" checked=${checked} disabled=${disabled} data-testid=${testid}
        onChange=${(e) => onChange(e.currentTarget.checked)} />
      <span>${label}${hint && html`<br /><span class="muted">${hint}</span>`}</span>
    </label>`;
}

/** @returns {import('preact').VNode} */
export default function SettingsScreen() {
  const s = useSettings();
  // The switch is offered only where it can work: a voice for the app's language.
  const canSpeak = Boolean(useVoice());
  const lang = getLang();
  const redeems = useRedeems();
  return html`
    <h2>${t('settings.title')}</h2>
    <section aria-labelledby="display-title">
      <h3 id="display-title">${t('settings.display')}</h3>
      <${Choices} name="lang" testid="setting-lang" legend=${t('settings.language')} value=${lang}
        options=${LANGS.map(([v, label]) => [v, label, v])} onChange=${setLang} />
      <${Choices} name="text-size" testid="setting-text" legend=${t('settings.textSize')} value=${String(s.textScale)}
        options=${TEXT_SCALES.map((n) => [String(n), `${Math.round(n * 100)}%`])}
        onChange=${(v) => setSettings({ textScale: Number(v) })} />
      <${Toggle} label=${t('settings.contrast')} checked=${s.contrast} testid="setting-contrast"
        onChange=${(v) => setSettings({ contrast: v })} />
      ${canSpeak
        ? html`<${Toggle} label=${t('settings.readAloud')} checked=${s.readAloud} testid="setting-read-aloud"
            hint=${t('settings.readAloudHint')} onChange=${(v) => setSettings({ readAloud: v })} />`
        : html`<p class="muted" data-testid="read-aloud-missing">${t('settings.readAloudMissing')}</p>`}
    </section>
    <section aria-labelledby="saver-title">
      <h3 id="saver-title">${t('settings.downloads')}</h3>
      <${Choices} name="data-saver" testid="setting-saver" legend=${t('settings.dataSaver')} value=${saverValue(s.dataSaver)}
        options=${SAVER.map(([v, key]) => [v, t(/** @type {any} */ (key))])}
        onChange=${(v) => setSettings({ dataSaver: saverSetting(v) })} />
      <p class="muted" data-testid="auto-download" data-allowed=${mayAutoDownload() ? 'true' : 'false'}>
        ${mayAutoDownload() ? t('settings.autoNow') : t('settings.autoBlocked')}</p>
    </section>
    <${SyncSection} />
    <${PointStatus} change=${true} />
    <${PushToggle} />
    <${StorageSection} />
    <section aria-labelledby="more-title">
      <h3 id="more-title">${t('settings.more')}</h3>
      <ul class="links">
        <li><a class="btn btn-secondary btn-row" href="#/credits" data-testid="go-credits">${t('settings.credits')}</a></li>
        <li><a class="btn btn-secondary btn-row" href="#/verify" data-testid="go-verify">${t('settings.verify')}</a></li>
        ${redeems && html`<li><a class="btn btn-secondary btn-row" href="#/redeem" data-testid="go-redeem">${t('settings.redeem')}</a></li>`}
        <li><a class="btn btn-secondary btn-row" href="#/profiles" data-testid="go-profiles">${t('settings.profiles')}</a></li>
        <li><a class="btn btn-secondary btn-row" href="#/inbox" data-testid="go-inbox">${t('settings.inbox')}</a></li>
        <li><a class="btn btn-secondary btn-row" href="#/request" data-testid="go-request">${t('settings.request')}</a></li>
        <li><a class="btn btn-secondary btn-row" href="#/import" data-testid="go-import">${t('settings.import')}</a></li>
      </ul>
    </section>`;
}
