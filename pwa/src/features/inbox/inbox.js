/**
 * The messages screen (route `#/inbox`): what the county and the learning
 * point sent through sync, newest first, each marked read on its own or all
 * at once. Owns nothing durable: the `inbox` store is written by the changes
 * feed (lib/feed.js); this screen only sets each message's `read` flag.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { getAll, withTx, req } from '../../lib/storage/db.js';
import { onFeedChange, feedChanged } from '../../lib/transport/feed.js';
import { t, pick, getLang } from '../../lib/i18n.js';

/** At most this many messages are listed. */
const SHOWN = 50;

function day(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return getLang() === 'zh-CN'
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
    : d.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * Mark messages read, in one transaction; then tell the badges.
 * @param {number[] | null} ids null: every message
 * @returns {Promise<void>}
 */
export async function markRead(ids) {
  await withTx(['inbox'], 'readwrite', async (tx) => {
    const store = tx.objectStore('inbox');
    for (const m of await req(store.getAll())) {
      if (!m.read && (ids === null || ids.includes(m.id))) store.put({ ...m, read: true });
    }
  });
  feedChanged();
}

/** @returns {import('preact').VNode} */
export default function InboxScreen() {
  const [messages, setMessages] = useState(/** @type {any[] | null} */ (null));
  const load = () => getAll('inbox').then((rows) => setMessages(rows.sort((a, b) => b.id - a.id))).catch(() => setMessages([]));
  useEffect(() => {
    load();
    return onFeedChange(load);
  }, []);
  if (!messages) return html`<h2>${t('inbox.title')}</h2>`;
  const unread = messages.filter((m) => !m.read).length;
  return html`
    <section aria-labelledby="inbox-title" data-testid="inbox" class="inbox">
      <h2 id="inbox-title">${t('inbox.title')}${unread > 0 && html`
        <span class="muted" data-testid="inbox-unread" data-count=${unread}>${` · ${t('inbox.unread').replace('{n}', String(unread))}`}</span>`}</h2>
      ${messages.length === 0 && html`<p class="muted" data-testid="inbox-empty">${t('inboxScreen.empty')}</p>`}
      ${unread > 0 && html`
        <p><button type="button" class="btn btn-secondary" data-testid="inbox-mark-read"
          onClick=${() => markRead(null).then(load).catch(() => {})}>${t('inbox.markRead')}</button></p>`}
      <ul>
        ${messages.slice(0, SHOWN).map((m) => html`
          <li key=${m.id} class=${m.read ? 'message' : 'message is-unread'} data-testid=${`message-${m.id}`}
            data-read=${m.read ? 'true' : 'false'}>
            <h3>${!m.read && html`<span class="new">${t('inbox.new')}</span>`}${pick(m.title)}</h3>
            <p class="meta">${day(m.created)}</p>
            <p>${pick(m.body)}</p>
            ${!m.read && html`
              <p><button type="button" class="btn btn-secondary" data-testid=${`message-read-${m.id}`}
                aria-label=${t('inboxScreen.markReadLabel').replace('{title}', pick(m.title))}
                onClick=${() => markRead([m.id]).then(load).catch(() => {})}>${t('inboxScreen.markRead')}</button></p>`}
          </li>`)}
      </ul>
    </section>`;
}
