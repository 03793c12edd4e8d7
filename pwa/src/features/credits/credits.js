/**
 * 我的学分 (route `#/credits`): the active learner's credit hours and credits by year and
 * course, their certificates as cards, revoked ones, the credentials transferred from other
 * counties, the courses still in progress with what each still needs in plain words, and
 * their points (积分): the balance and its history. Everything comes from what the feed
 * stored (lib/transport/credits.js), so it shows offline. Owns nothing.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';
import { getMeta } from '../../lib/storage/db.js';
import { activeLearner } from '../../lib/outbox/queue.js';
import { useLearnerData } from '../learner-data.js';
import { warmScanner } from '../route/warm.js';
import { summarize, needWords } from './summary.js';
import { pointsLine } from './points.js';
import { statusLists } from './verdict.js';
import { Certificate } from './certificate.js';

async function load() {
  const [learner, stored, trust, points] = await Promise.all([
    activeLearner(), getMeta('credits'), getMeta('credential_trust'), getMeta('points'),
  ]);
  const mine = points?.[learner] || { balance: 0, history: [] };
  return { synced: Boolean(stored), summary: summarize(stored?.[learner]), trust: trust || null, points: mine };
}

/**
 * The county's name and whether the synced status list revokes each certificate, read
 * from its QR text with the verifier (loaded only here and on the verify screen).
 * @param {{qr: string | null}[]} outcomes
 * @param {object | null} trust
 * @returns {Promise<Map<string, {issuer: string, revoked: boolean}>>}
 */
async function readCertificates(outcomes, trust) {
  const { decodeCompact, statusOf } = await import('../../lib/credentials/verify.js');
  const lists = statusLists(trust);
  const out = new Map();
  for (const o of outcomes) {
    if (!o.qr) continue;
    try {
      const credential = decodeCompact(o.qr);
      const issuer = /** @type {any} */ (credential).issuer;
      out.set(o.qr, { issuer: String(issuer?.name || ''), revoked: statusOf(credential, lists) === 'revoked' });
    } catch {
      // A QR text the verifier cannot read still shows; the county's words stand.
    }
  }
  return out;
}

function Pending({ item }) {
  return html`
    <li class="card" data-testid=${`credits-pending-${item.definition}`}>
      <p><strong>${item.title}</strong></p>
      <p class="meta">${tf('credits.earns', { credits: item.credits })}</p>
      <ul class="needs">${needWords(item.needs, tf).map((w) => html`<li>${w}</li>`)}</ul>
    </li>`;
}

function Points({ points }) {
  return html`
    <section class="points" aria-labelledby="points-title" data-testid="points">
      <h3 id="points-title">${t('points.title')}</h3>
      <p class="points-balance">${t('points.balance')} <strong data-testid="points-balance">${points.balance}</strong></p>
      ${points.history.length === 0
        ? html`<p data-testid="points-none">${t('points.none')}</p>`
        : html`
          <h4>${t('points.history')}</h4>
          <ul class="links points-history" data-testid="points-history">
            ${points.history.map((e) => html`<li data-kind=${e.kind}>${pointsLine(e, tf)}</li>`)}
          </ul>`}
    </section>`;
}

function Transferred({ items }) {
  return html`
    <h3>${t('credits.transferred')}</h3>
    <ul class="links" data-testid="credits-transferred">
      ${items.map((x) => html`<li>${tf('credits.transferLine', { ...x, date: (x.accepted || '').slice(0, 10) })}</li>`)}
    </ul>`;
}

/**
 * @returns {import('preact').VNode}
 */
export default function CreditsScreen() {
  const [data, setData] = useState(/** @type {any} */ (null));
  const [certs, setCerts] = useState(/** @type {Map<string, {issuer: string, revoked: boolean}>} */ (new Map()));
  useLearnerData(() => load().then(setData).catch(() => {}));
  // Whoever looks at certificates may soon check one: fetch the QR reader for offline use.
  useEffect(() => warmScanner(), []);
  useEffect(() => {
    if (data) readCertificates(data.summary.certified, data.trust).then(setCerts).catch(() => {});
  }, [data]);
  if (!data) return html`<p class="muted">${t('lesson.loading')}</p>`;
  const { summary } = data;
  const revokedHere = (o) => Boolean(certs.get(o.qr)?.revoked);
  return html`
    <h2>${t('credits.title')}</h2>
    ${!data.synced && html`<p class="warn" data-testid="credits-not-synced">${t('credits.notSynced')}</p>`}
    <dl class="stats">
      <div class="stat"><dt>${t('credits.totalHours')}</dt><dd data-testid="credits-hours">${summary.hours}</dd></div>
      <div class="stat"><dt>${t('credits.totalCredits')}</dt><dd data-testid="credits-credits">${summary.credits}</dd></div>
    </dl>
    ${summary.years.length > 0 && html`
      <h3>${t('credits.byYear')}</h3>
      ${summary.years.map((y) => html`
        <section class="credit-year" aria-label=${tf('credits.yearLine', { year: y.year })} data-testid=${`credits-year-${y.year}`}>
          <h4>${tf('credits.yearLine', { year: y.year })}</h4>
          <ul class="links">${y.courses.map((c) => html`<li>${tf('credits.courseLine', c)}</li>`)}</ul>
        </section>`)}`}
    <h3>${t('credits.certificates')}</h3>
    ${summary.certified.length === 0
      ? html`<p data-testid="credits-none">${t('credits.none')}</p>`
      : html`<div class="certs">${summary.certified.map((o) => html`
          <${Certificate} key=${o.qr || o.definition} outcome=${o} issuer=${certs.get(o.qr)?.issuer || ''} revoked=${revokedHere(o)} />`)}
        </div>`}
    ${summary.transferred.length > 0 && html`<${Transferred} items=${summary.transferred} />`}
    ${summary.revoked.length > 0 && html`
      <h3>${t('credits.revokedList')}</h3>
      <ul class="links" data-testid="credits-revoked">
        ${summary.revoked.map((o) => html`<li>${o.title} · ${(o.revoked || '').slice(0, 10)}</li>`)}
      </ul>`}
    <h3>${t('credits.pending')}</h3>
    ${summary.pending.length === 0
      ? html`<p>${t('credits.pendingNone')}</p>`
      : html`<ul class="cards">${summary.pending.map((p) => html`<${Pending} key=${p.definition} item=${p} />`)}</ul>`}
    <${Points} points=${data.points} />
    <p><a class="btn btn-secondary btn-row" href="#/verify" data-testid="credits-verify">${t('credits.verifyLink')}</a></p>`;
}
