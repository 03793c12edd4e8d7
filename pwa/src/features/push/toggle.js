/**
 * A switch for Web Push notifications, for the settings screen. Owns only its
 * own screen state; subscribing is lib/push.js. It says plainly that messages
 * come by sync anyway, since push often cannot arrive in mainland China.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { pushSupported, isSubscribed, subscribePush, unsubscribePush } from '../../lib/transport/push.js';

const ERRORS = { 'push-denied': 'push.denied', 'push-unsupported': 'push.unavailable', 'network-offline': 'push.offline' };

/** @returns {any} the push notifications switch */
export default function PushToggle() {
  const [on, setOn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const supported = pushSupported();

  useEffect(() => {
    let live = true;
    isSubscribed().then((v) => live && setOn(v));
    return () => {
      live = false;
    };
  }, []);

  async function toggle(event) {
    const want = event.currentTarget.checked;
    setBusy(true);
    setError('');
    try {
      if (want) await subscribePush();
      else await unsubscribePush();
      setOn(want);
    } catch (err) {
      setOn(await isSubscribed());
      setError(ERRORS[err?.code] || 'push.failed');
    } finally {
      setBusy(false);
    }
  }

  return html`
    <section class="push-toggle" aria-labelledby="push-title" data-testid="push-toggle">
      <h3 id="push-title">${t('push.title')}</h3>
      ${supported
        ? html`<label class="setting-option">
            <input type="checkbox" checked=${on} disabled=${busy} onChange=${toggle} data-testid="push-switch" />
            <span>${t('push.label')}</span>
          </label>`
        : html`<p class="muted">${t('push.unavailable')}</p>`}
      <p class="muted">${t('push.inboxNote')}</p>
      ${error && html`<p class="error" role="alert" data-testid="push-error">${t(error)}</p>`}
    </section>
  `;
}
