/**
 * What the verify screen says of a scanned certificate: 真实有效 (genuine), 已撤销
 * (revoked) or 无法识别 (unknown), from the verifier's result (lib/credentials/verify.js)
 * and what sync brought (lib/transport/credits.js `credential_trust`). Pure, tested in
 * node (pwa/test/credits.test.mjs).
 */

/**
 * The synced status lists as the verifier reads them.
 * @param {{lists?: {url: string, encoded: string}[]} | null | undefined} trust
 * @returns {Map<string, string>} list URL → encodedList
 */
export function statusLists(trust) {
  return new Map((trust?.lists || []).map((x) => [x.url, x.encoded]));
}

/**
 * Decide the verdict.
 * @param {{verified: boolean, issuer: string | null, status: string, error: string | null}} result
 * @param {{issuers?: {did: string}[]} | null | undefined} trust
 * @returns {{verdict: 'genuine' | 'revoked' | 'unknown', reason: string | null}} `reason`:
 *   why it is unknown (`not-ours`, `issuer-unknown`, `credential-proof-invalid`…), or
 *   `status-unchecked` for a genuine one no synced list covers yet
 */
export function verdict(result, trust) {
  if (!result.verified) return { verdict: 'unknown', reason: result.error || 'credential-proof-invalid' };
  const known = (trust?.issuers || []).some((i) => i.did === result.issuer);
  if (!known) return { verdict: 'unknown', reason: 'issuer-unknown' };
  if (result.status === 'revoked') return { verdict: 'revoked', reason: null };
  return { verdict: 'genuine', reason: result.status === 'valid' ? null : 'status-unchecked' };
}

/**
 * What a credential says of itself, for the result card.
 * @param {Record<string, any> | null} credential
 * @returns {{title: string, hours: number | null, date: string, issuer: string}}
 */
export function describe(credential) {
  const subject = credential?.credentialSubject || {};
  const achievement = subject.achievement || {};
  const hours = Number(subject.creditsEarned ?? achievement.creditsAvailable);
  const issuer = credential?.issuer;
  return {
    title: String(achievement.name || credential?.name || ''),
    hours: Number.isFinite(hours) ? hours : null,
    date: String(credential?.validFrom || '').slice(0, 10),
    issuer: String((issuer && typeof issuer === 'object' ? issuer.name : '') || ''),
  };
}
