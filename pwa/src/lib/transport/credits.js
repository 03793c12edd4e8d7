/**
 * The feed's credit-bank sections, phone side: what transport/feed.js keeps of them in
 * `meta`. Owns three `meta` values:
 * - `credits`: {[learner]: {outcomes, pending, transfers}} from the feed's `credits`
 *   section (whole state per learner it lists; docs/protocol.md, "Credits");
 * - `points`: {[learner]: {balance, history}} from the feed's `points` section (whole
 *   state per learner it lists; docs/protocol.md, "Points");
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

function transfer(x) {
  return {
    title: isText(x.title) ? x.title : '',
    county: isText(x.county) ? x.county : '',
    hours: num(x.hours),
    credits: num(x.credits),
    accepted: isText(x.accepted) ? x.accepted : null,
  };
}

/**
 * The stored credits after a feed's `credits` section: each learner it lists is replaced.
 * @param {Record<string, {outcomes: object[], pending: object[], transfers: object[]}> | undefined} stored
 * @param {{learners?: string[], outcomes?: object[], pending?: object[], transfers?: object[]} | null | undefined} section
 * @returns {Record<string, {outcomes: object[], pending: object[], transfers: object[]}>}
 */
export function mergeCredits(stored, section) {
  const out = { ...(stored || {}) };
  if (!section || !Array.isArray(section.learners)) return out;
  const listed = new Set(section.learners.filter(isText));
  for (const learner of listed) out[learner] = { outcomes: [], pending: [], transfers: [] };
  const mine = (row) => row && listed.has(row.learner);
  for (const o of (section.outcomes || []).filter(mine)) out[o.learner].outcomes.push(outcome(o));
  for (const p of (section.pending || []).filter(mine)) out[p.learner].pending.push(pending(p));
  for (const x of (section.transfers || []).filter(mine)) out[x.learner].transfers.push(transfer(x));
  return out;
}

const KINDS = new Set(['earn', 'redeem', 'expire', 'reverse']);

function entry(e) {
  return {
    kind: e.kind,
    points: Number.isSafeInteger(e.points) ? e.points : 0,
    reason: isText(e.reason) ? e.reason : '',
    ref: isText(e.ref) ? e.ref : null,
    created: isText(e.created) ? e.created : null,
  };
}

/**
 * The stored points after a feed's `points` section: each learner it lists is replaced by
 * their balance and newest entries (newest first, as sent); entries of an unknown kind are
 * left out. No section (null: unchanged since the last) keeps what is stored.
 * @param {Record<string, {balance: number, history: object[]}> | undefined} stored
 * @param {{learners?: {learner: string, balance: number, history: object[]}[]} | null | undefined} section
 * @returns {Record<string, {balance: number, history: {kind: string, points: number, reason: string, ref: string | null, created: string | null}[]}>}
 */
export function mergePoints(stored, section) {
  const out = { ...(stored || {}) };
  if (!section || !Array.isArray(section.learners)) return out;
  for (const row of section.learners) {
    if (!isText(row?.learner)) continue;
    const history = Array.isArray(row.history) ? row.history.filter((e) => KINDS.has(e?.kind)).map(entry) : [];
    out[row.learner] = { balance: Number.isSafeInteger(row.balance) ? row.balance : 0, history };
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
