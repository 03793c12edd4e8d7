/**
 * The feed's credit-bank sections, phone side: what transport/feed.js keeps of them in
 * `meta`. Owns two `meta` values:
 * - `credits`: {[learner]: {outcomes, pending}} from the feed's `credits` section (whole
 *   state per learner it lists; docs/protocol.md, "Credits");
 * - `credential_trust`: {issuers: [{did, status}], lists: [{url, encoded, updated}]} from
 *   the `trust` section: the county's issuer keys and revocation status lists, which the
 *   offline verifier (features/credits/verify.js) checks a scanned certificate against.
 * Pure functions: feed.js writes their result in its one transaction.
 */

const isText = (v) => typeof v === 'string' && v.length > 0;
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function outcome(o) {
  return {
    definition: Number.isSafeInteger(o.definition) ? o.definition : null,
    title: isText(o.title) ? o.title : '',
    hours: num(o.hours),
    credits: num(o.credits),
    certified: isText(o.certified) ? o.certified : null,
    status: o.status === 'revoked' ? 'revoked' : 'certified',
    revoked: isText(o.revoked) ? o.revoked : null,
    qr: isText(o.qr) && o.qr.startsWith('XD1:') ? o.qr : null,
  };
}

function need(n) {
  return { need: isText(n?.need) ? n.need : 'unknown', count: num(n?.count), score: num(n?.score) };
}

function pending(p) {
  return {
    definition: Number.isSafeInteger(p.definition) ? p.definition : null,
    title: isText(p.title) ? p.title : '',
    hours: num(p.hours),
    credits: num(p.credits),
    needs: Array.isArray(p.needs) ? p.needs.map(need) : [],
  };
}

/**
 * The stored credits after a feed's `credits` section: each learner it lists is replaced.
 * @param {Record<string, {outcomes: object[], pending: object[]}> | undefined} stored
 * @param {{learners?: string[], outcomes?: object[], pending?: object[]} | null | undefined} section
 * @returns {Record<string, {outcomes: object[], pending: object[]}>}
 */
export function mergeCredits(stored, section) {
  const out = { ...(stored || {}) };
  if (!section || !Array.isArray(section.learners)) return out;
  for (const learner of section.learners.filter(isText)) out[learner] = { outcomes: [], pending: [] };
  for (const o of section.outcomes || []) {
    if (o && out[o.learner]) out[o.learner].outcomes.push(outcome(o));
  }
  for (const p of section.pending || []) {
    if (p && out[p.learner]) out[p.learner].pending.push(pending(p));
  }
  return out;
}

/**
 * What the verifier keeps of a feed's `trust` section, or null when it carries none.
 * @param {{issuers?: object[], lists?: object[]} | null | undefined} section
 * @returns {{issuers: {did: string, status: string}[], lists: {url: string, encoded: string, updated: string | null}[]} | null}
 */
export function readTrust(section) {
  if (!section || !Array.isArray(section.issuers) || !Array.isArray(section.lists)) return null;
  return {
    issuers: section.issuers.filter((i) => isText(i?.did)).map((i) => ({ did: i.did, status: isText(i.status) ? i.status : 'active' })),
    lists: section.lists
      .filter((x) => isText(x?.url) && isText(x.encoded))
      .map((x) => ({ url: x.url, encoded: x.encoded, updated: isText(x.updated) ? x.updated : null })),
  };
}
