/**
 * The in-app browser notice. Owns telling a resident who opened Xuedian inside
 * WeChat, QQ, Weibo, DingTalk, Alipay or Douyin how to open it in the phone's
 * own browser and install it (those webviews cannot install an app and may
 * clear its storage), with a copy-link button. Loaded with import() only when
 * the user agent matches (see IN_APP in main.js); the rest of the app stays usable.
 */
import { useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../lib/i18n.js';

/** [app id, user-agent test], first match wins (QQ's browser names itself MQQBrowser). */
const APPS = [
  ['wechat', /MicroMessenger/i],
  ['dingtalk', /DingTalk/i],
  ['alipay', /AlipayClient|AliApp/i],
  ['weibo', /Weibo/i],
  ['douyin', /aweme|Bytedance|BytedanceWebview|ByteLocale/i],
  ['qq', /\bQQ\/|MQQBrowser/i],
];
const DISMISSED = 'xuedian-inapp-dismissed';

/**
 * Which in-app browser a user agent belongs to.
 * @param {string} ua
 * @returns {string | null} wechat, qq, weibo, dingtalk, alipay, douyin, or null
 */
export function inAppName(ua) {
  const found = APPS.find(([, test]) => test.test(ua));
  return found ? found[0] : null;
}

/**
 * Copy text: the Clipboard API where allowed, else the selected field and execCommand.
 * @param {string} text
 * @param {HTMLInputElement | null} field
 * @returns {Promise<boolean>}
 */
async function copy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * The notice; renders nothing outside an in-app browser or once dismissed this session.
 * @returns {import('preact').VNode | null}
 */
export default function InAppNotice() {
  const app = inAppName(navigator.userAgent);
  const [hidden, setHidden] = useState(() => {
    try {
      return sessionStorage.getItem(DISMISSED) === '1';
    } catch {
      return false;
    }
  });
  const [copied, setCopied] = useState(/** @type {boolean | null} */ (null));
  const field = useRef(/** @type {HTMLInputElement | null} */ (null));
  if (!app || hidden) return null;
  const url = location.href;
  const dismiss = () => {
    try {
      sessionStorage.setItem(DISMISSED, '1');
    } catch {
      // Hidden for this page view only.
    }
    setHidden(true);
  };
  return html`
    <section class="banner inapp" aria-labelledby="inapp-title" data-testid="inapp" data-app=${app}>
      <h2 id="inapp-title">${t('inapp.title')}</h2>
      <p>${t('inapp.why').replace('{app}', t(`inapp.app.${app}`))}</p>
      <ol>
        <li>${t('inapp.step1')}</li>
        <li>${t('inapp.step2')}</li>
        <li>${t('inapp.step3')}</li>
      </ol>
      <label class="inapp-link">
        <span>${t('inapp.link')}</span>
        <input ref=${field} type="url" readonly value=${url} data-testid="inapp-url"
          onFocus=${(e) => e.currentTarget.select()} />
      </label>
      <div class="actions">
        <button type="button" class="btn" data-testid="inapp-copy"
          onClick=${async () => setCopied(await copy(url, field.current))}>${t('inapp.copy')}</button>
        <button type="button" class="btn btn-secondary" data-testid="inapp-dismiss" onClick=${dismiss}>
          ${t('inapp.dismiss')}</button>
      </div>
      <p role="status" data-testid="inapp-copied" class=${copied ? 'ok' : copied === false ? 'error' : ''}>${
        copied === null ? '' : copied ? t('inapp.copied') : t('inapp.copyFailed')}</p>
    </section>`;
}
