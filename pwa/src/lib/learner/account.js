/**
 * A profile's learning account (credit bank, docs/credits.md) as the phone holds it:
 * asking the county for a recovery code, and redeeming one on a new phone (the
 * learner card's text and number are card.js's). Owns nothing stored: a recovered account becomes
 * a profile of lib/learner/profiles.js (`adoptProfile`).
 */
import { sendEnvelope, readJson } from '../transport/api.js';
import { asRegistered, sign } from '../transport/device.js';
import { adoptProfile } from './profiles.js';

async function signedPost(url, body) {
  return asRegistered(async () => {
    const envelope = await sign({ created: new Date().toISOString(), ...body });
    return readJson(await sendEnvelope(url, envelope), 'The county answered in an unknown form.');
  });
}

/**
 * Ask the county for a new recovery code of `learner` (the old one stops working).
 * The code is shown once and never stored on the phone.
 * @param {string} learner
 * @returns {Promise<string>} e.g. `ABCD-EFGH-JKMN-PQRS`
 * @throws {XuedianError} `network-offline`, `account-not-yours`, …
 */
export async function requestRecoveryCode(learner) {
  const answer = await signedPost('/api/v1/accounts/recovery-code', { type: 'account-recovery-code', learner });
  return answer.code;
}

/**
 * Move the account whose recovery code is `code` to this phone: the county links the
 * learner to it, and the learner becomes this phone's active profile. Their progress
 * and credits arrive with the next sync.
 * @param {string} code
 * @param {string} [name] what to call the profile on this phone
 * @returns {Promise<import('./profiles.js').Profile>}
 * @throws {XuedianError} `recovery-code-wrong`, `rate-limited`, `network-offline`, …
 */
export async function recoverAccount(code, name) {
  const answer = await signedPost('/api/v1/accounts/recover', { type: 'account-recover', code: String(code).trim() });
  return adoptProfile({
    id: answer.learner,
    name: name || null,
    ...(answer.age_band ? { age_band: answer.age_band } : {}),
    ...(answer.village ? { village: answer.village } : {}),
  });
}
