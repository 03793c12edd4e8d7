/**
 * Messages from the county, and the learner's totals, on the catalog screen.
 * Owns nothing durable: it reads the `inbox` store and `meta.learner_totals`
 * (written by the changes feed, lib/feed.js) and marks messages read.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { getAll, withTx, req } from '../../lib/db.js';
import { onFeedChange } from '../../lib/feed.js';
import { learnerTotals } from '../../lib/progress.js';
import { t, pick, getLang } from '../../lib/i18n.js';

/** At most this many messages are listed, newest first. */
const SHOWN = 20;

function day(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return getLang() === 'zh-CN'
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
    : d.toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

function markAllRead() {
  return withTx(['inbox'], 'readwrite', async (tx) => {
    const store = tx.objectStore('inbox');
    for (const m of await req(store.getAll())) if (!m.read) store.put({ ...m, read: true });
  });
}

/** Re-run `load` whenever the feed brings something. */
function useFeed(load) {
  useEffect(() => {
    load();
    return onFeedChange(load);
  }, []);
}

/**
 * The learner's lessons, hours and credits as the county last counted them.
 * @returns {import('preact').VNode | null}
 */
export function Totals() {
  const [totals, setTotals] = useState(/** @type {any} */ (null));
  useFeed(() => learnerTotals().then(setTotals).catch(() => {}));
  if (!totals) return null;
  const text = t('totals.line')
    .replace('{lessons}', String(totals.lessons_completed))
    .replace('{hours}', String(totals.hours))
    .replace('{credits}', String(totals.credits));
  return html`<p class="totals" data-testid="learner-totals">${text}</p>`;
}

/**
 * The inbox: title, date and text of each message, newest first, with the
 * unread count and a button that marks them read. Hidden while empty.
 * @returns {import('preact').VNode | null}
 */
export function Inbox() {
  const [messages, setMessages] = useState(/** @type {any[]} */ ([]));
  const load = () => getAll('inbox').then((rows) => setMessages(rows.sort((a, b) => b.id - a.id))).catch(() => {});
  useFeed(load);
  if (messages.length === 0) return null;
  const unread = messages.filter((m) => !m.read).length;
  return html`
    <section class="inbox" aria-labelledby="inbox-title" data-testid="inbox">
      <h2 id="inbox-title">${t('inbox.title')}${unread > 0 && html`
        <span class="muted" data-testid="inbox-unread" data-count=${unread}>${` · ${t('inbox.unread').replace('{n}', String(unread))}`}</span>`}</h2>
      <ul>
        ${messages.slice(0, SHOWN).map((m) => html`
          <li key=${m.id} class=${m.read ? 'message' : 'message is-unread'} data-testid=${`message-${m.id}`}>
            <h3>${!m.read && html`<span class="new">${t('inbox.new')}</span>`}${pick(m.title)}</h3>
            <p class="meta">${day(m.created)}</p>
            <p>${pick(m.body)}</p>
          </li>`)}
      </ul>
      ${unread > 0 && html`
        <p><button type="button" class="btn btn-secondary" data-testid="inbox-mark-read"
          onClick=${() => markAllRead().then(load).catch(() => {})}>${t('inbox.markRead')}</button></p>`}
    </section>`;
}
