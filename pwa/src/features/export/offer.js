/**
 * The offer to carry records by hand, shown on home only when a volunteer is
 * the way out: records have waited for days (OFFER_AFTER_DAYS) without a sync.
 * Owns nothing; it reads the outbox's oldest waiting record and the sync state.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { useSyncState } from '../../app/external.js';
import { getAll } from '../../lib/storage/db.js';
import { tf } from '../../lib/format.js';
import { ExportBundle } from './button.js';

/** Records older than this with no sync since: the network is not coming back soon. */
export const OFFER_AFTER_DAYS = 2;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Whole days the oldest waiting record has waited, or null when none waits.
 * @param {{timestamp?: string, quarantine?: object}[]} rows outbox rows
 * @param {number} now
 * @returns {number | null}
 */
export function daysWaiting(rows, now) {
  const times = rows.filter((r) => !r.quarantine).map((r) => Date.parse(r.timestamp || '')).filter(Number.isFinite);
  if (times.length === 0) return null;
  return Math.floor((now - Math.min(...times)) / DAY_MS);
}

/** @returns {import('preact').VNode | null} */
export function ExportOffer() {
  const s = useSyncState();
  const [days, setDays] = useState(/** @type {number | null} */ (null));
  useEffect(() => {
    let live = true;
    getAll('outbox').then((rows) => live && setDays(daysWaiting(rows, Date.now()))).catch(() => {});
    return () => {
      live = false;
    };
  }, [s.pending]);
  if (!s.pending || days === null || days < OFFER_AFTER_DAYS) return null;
  return html`
    <section class="home-block card offer" aria-labelledby="offer-title" data-testid="export-offer" data-days=${days}>
      <h2 id="offer-title">${tf('sync.offerTitle', { days })}</h2>
      <p>${tf('sync.offerText', { n: s.pending })}</p>
      <${ExportBundle} pending=${s.pending} big=${true} />
    </section>`;
}
