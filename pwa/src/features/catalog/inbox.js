/**
 * The learner's totals and an unread-messages link, on the catalog screen.
 * Owns nothing durable: it reads the `inbox` store and `meta.learner_totals`
 * (written by the changes feed, lib/feed.js). The messages are shown and
 * marked read on their own screen (features/inbox, `#/inbox`).
 */
import { studyTime } from '../learning/study-time.js';
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { getAll } from '../../lib/storage/db.js';
import { onFeedChange } from '../../lib/transport/feed.js';
import { learnerTotals } from '../../lib/learner/progress.js';
import { t } from '../../lib/i18n.js';

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
    .replace('{hours}', studyTime(totals.hours, totals.lessons_completed > 0))
    .replace('{credits}', String(totals.credits));
  return html`<p class="totals" data-testid="learner-totals">${text}</p>`;
}

/**
 * A link to the messages screen (`#/inbox`) with the unread count; hidden
 * while nothing is unread. The messages themselves are features/inbox.
 * @returns {import('preact').VNode | null}
 */
export function Inbox() {
  const [unread, setUnread] = useState(0);
  useFeed(() => getAll('inbox').then((rows) => setUnread(rows.filter((m) => !m.read).length)).catch(() => {}));
  if (unread === 0) return null;
  return html`
    <p><a class="btn btn-secondary btn-row" href="#/inbox" data-testid="inbox-badge" data-count=${unread}>
      <span class="new">${t('inbox.new')}</span>${t('inboxScreen.badge').replace('{n}', String(unread))}</a></p>`;
}
