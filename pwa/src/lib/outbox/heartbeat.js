/**
 * The heartbeat every batch, bundle and resync carries: what waits, what was
 * refused, which app and packs this phone runs, how much room is left, the
 * learning point's code and enrolment token (transport/enrolment.js; only the
 * token enrols) and its profiles (id, age band and village only: names never
 * leave the phone; learner/profiles.js) and, on a redemption phone, the signed
 * vouchers not yet settled (points/wallet.js). Owns nothing: it reads them.
 */
import { getAll } from '../storage/db.js';
import { APP_VERSION } from '../version.js';
import { profilesForStatus } from '../learner/profiles.js';
import { enrolmentClaim } from '../transport/enrolment.js';
import { outboxStatus } from './queue.js';
import { carriedVouchers } from '../points/wallet.js';

/** Free bytes the browser would still let this origin store, or null if it will not say. */
async function storageFree() {
  try {
    const { quota, usage } = await navigator.storage.estimate();
    if (typeof quota !== 'number' || typeof usage !== 'number') return null;
    return Math.max(0, Math.floor(quota - usage));
  } catch {
    return null;
  }
}

/**
 * This phone's heartbeat, read now.
 * @returns {Promise<{unsent: number, quarantined: number, app_version: string,
 *   packs: Record<string, number>, storage_free: number | null, point?: string, enrolment?: string,
 *   profiles?: {learner: string, age_band?: string, village?: string}[], vouchers?: object[]}>}
 */
export async function deviceStatus() {
  const { pending, quarantined } = await outboxStatus();
  const packs = {};
  for (const row of await getAll('packs')) {
    if (row && typeof row.pack_id === 'string' && Number.isInteger(row.version)) packs[row.pack_id] = row.version;
  }
  const status = { unsent: pending, quarantined: quarantined.length, app_version: APP_VERSION, packs, storage_free: await storageFree() };
  Object.assign(status, await enrolmentClaim().catch(() => ({})));
  const profiles = await profilesForStatus().catch(() => []);
  if (profiles.length) status.profiles = profiles;
  const vouchers = await carriedVouchers().catch(() => []);
  if (vouchers.length) status.vouchers = vouchers;
  return status;
}
