/**
 * Web Push in the service worker: show the county's notification, then pull the
 * changes feed so the full message is in the inbox when the learner opens the
 * app; a tap opens (or focuses) the app. Owns nothing durable.
 */
import { syncAll } from '../src/lib/transport/feed.js';

function language() {
  const nav = (self.navigator?.language || 'zh-CN').toLowerCase();
  return nav.startsWith('en') ? 'en' : 'zh-CN';
}

function text(value, lang) {
  if (!value || typeof value !== 'object') return '';
  return value[lang] || value['zh-CN'] || value.en || '';
}

/**
 * @param {any} event a PushEvent
 * @returns {void}
 */
export function onPush(event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const lang = language();
  const title = text(data.title, lang) || '学点';
  const url = typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/';
  event.waitUntil(Promise.all([
    self.registration.showNotification(title, {
      body: text(data.body, lang),
      tag: data.id ? `inbox-${data.id}` : 'xuedian',
      icon: '/icons/icon-192.png',
      data: { url },
    }),
    syncAll().catch(() => null),
  ]));
}

/**
 * @param {any} event a NotificationEvent
 * @returns {void}
 */
export function onNotificationClick(event) {
  event.notification.close();
  const url = event.notification.data?.url || '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if ('focus' in client) {
        await client.focus();
        if ('navigate' in client) await client.navigate(url).catch(() => null);
        return;
      }
    }
    await self.clients.openWindow(url);
  })());
}
