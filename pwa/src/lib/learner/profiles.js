/**
 * Learner profiles on a shared family phone. Owns `meta.profiles` (the list),
 * switching `meta.active_learner` (created by outbox/queue.js on first record),
 * and `meta.pin_tries` (wrong-PIN counters). The learning point is
 * lib/transport/enrolment.js's.
 *
 * A profile is {id: uuid (the `learner` of its records), name: string | null
 * (null: the first profile, shown as 我 / Me), pin: {salt, hash, iterations} |
 * null, age_band?, village?, created}. A PIN is never stored: only a
 * PBKDF2-SHA256 hash with a per-profile random salt. Names stay on the phone;
 * only age band and village travel, in the sync heartbeat (profilesForStatus).
 *
 * Shared with the service worker (profilesForStatus via outbox/heartbeat.js): the
 * window is touched only inside functions that run in the page.
 */
import { withTx, getMeta, setMeta } from '../storage/db.js';
import { uuidv4 } from '../uuid.js';
import { XuedianError } from '../errors.js';
import { base64urlEncode, base64urlDecode } from '../base64url.js';
import { cutText, storableText } from '../records/storable.js';

export const AGE_BANDS = ['under-30', '30-44', '45-59', '60-69', '70+'];
export const PIN_PATTERN = /^[0-9]{4,6}$/;
export const NAME_MAX = 40;
export const VILLAGE_MAX = 60;
/** The county takes at most this many profiles per phone in a heartbeat. */
export const MAX_PROFILES = 20;
/** Wrong PINs in a row allowed before each further try must wait. */
export const FREE_TRIES = 3;
const BASE_WAIT_MS = 30_000;
const MAX_WAIT_MS = 10 * 60_000;
const ITERATIONS = 100_000;
export const PROFILE_EVENT = 'xuedian:profile';

/**
 * @typedef {{id: string, name: string | null, pin: {salt: string, hash: string, iterations: number} | null,
 *   age_band?: string, village?: string, created: string}} Profile
 */

/** Fill in a profile read from storage (rows made by outbox/queue.js lack most fields). */
function normalize(p) {
  return { name: null, pin: null, created: new Date(0).toISOString(), ...p };
}

/**
 * Make sure the active learner exists and is in the list, in the caller's transaction.
 * @returns {Promise<{list: Profile[], active: string}>}
 */
async function ensure(meta) {
  let active = await meta.get('active_learner');
  let list = ((await meta.get('profiles')) || []).map(normalize);
  let changed = false;
  if (!active) {
    active = list[0]?.id || uuidv4();
    await meta.put(active, 'active_learner');
  }
  if (!list.some((p) => p.id === active)) {
    // The learner who used the phone before profiles existed becomes the first profile.
    list = [normalize({ id: active, created: new Date().toISOString() }), ...list];
    changed = true;
  }
  if (changed) await meta.put(list, 'profiles');
  return { list, active };
}

/** @returns {Promise<Profile[]>} every profile, oldest first */
export function listProfiles() {
  return withTx(['meta'], 'readwrite', async (tx) => (await ensure(tx.objectStore('meta'))).list);
}

/** @returns {Promise<Profile>} the profile whose records are being made */
export function activeProfile() {
  return withTx(['meta'], 'readwrite', async (tx) => {
    const { list, active } = await ensure(tx.objectStore('meta'));
    return /** @type {Profile} */ (list.find((p) => p.id === active));
  });
}

function cleanName(name) {
  const n = String(name ?? '').trim();
  if (!n || n.length > NAME_MAX) {
    throw new XuedianError('validation-failed', 'A name of 1 to 40 characters is needed.', { details: { field: 'name' } });
  }
  return n;
}

/** Age band and village as given, checked; empty values drop the field. */
function cleanDetails({ age_band: band, village } = {}) {
  const out = {};
  if (band) {
    if (!AGE_BANDS.includes(band)) throw new XuedianError('validation-failed', 'Unknown age band.', { details: { field: 'age_band' } });
    out.age_band = band;
  }
  const v = storableText(String(village ?? '')).trim();
  if (v) {
    if (v.length > VILLAGE_MAX) throw new XuedianError('validation-failed', 'Village name too long.', { details: { field: 'village' } });
    out.village = v;
  }
  return out;
}

async function derive(pin, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/**
 * A stored form of a PIN: a fresh random salt and the PBKDF2-SHA256 hash.
 * @param {string} pin 4 to 6 digits
 * @returns {Promise<{salt: string, hash: string, iterations: number}>}
 */
export async function hashPin(pin) {
  if (!PIN_PATTERN.test(pin)) {
    throw new XuedianError('validation-failed', 'A PIN is 4 to 6 digits.', { details: { field: 'pin' } });
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(pin, salt, ITERATIONS);
  return { salt: base64urlEncode(salt), hash: base64urlEncode(hash), iterations: ITERATIONS };
}

async function pinMatches(stored, pin) {
  if (typeof pin !== 'string' || !PIN_PATTERN.test(pin)) return false;
  const got = await derive(pin, base64urlDecode(stored.salt), stored.iterations || ITERATIONS);
  const want = base64urlDecode(stored.hash);
  let diff = got.length ^ want.length;
  for (let i = 0; i < Math.min(got.length, want.length); i += 1) diff |= got[i] ^ want[i];
  return diff === 0;
}

async function writeList(mutate) {
  return withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const { list } = await ensure(meta);
    const result = mutate(list);
    await meta.put(list, 'profiles');
    return result;
  });
}

/**
 * Add a profile (it does not become active).
 * @param {{name: string, pin?: string, age_band?: string, village?: string}} input
 * @returns {Promise<Profile>}
 * @throws {XuedianError} `validation-failed`
 */
export async function addProfile({ name, pin, ...details }) {
  const profile = {
    id: uuidv4(),
    name: cleanName(name),
    pin: pin ? await hashPin(pin) : null,
    ...cleanDetails(details),
    created: new Date().toISOString(),
  };
  await writeList((list) => {
    if (list.length >= MAX_PROFILES) {
      throw new XuedianError('validation-failed', 'A phone holds at most 20 profiles.', { details: { field: 'count' } });
    }
    list.push(profile);
  });
  notifyProfile();
  return profile;
}

/**
 * Take in a learner moved here by their recovery code (lib/learner/account.js): the
 * profile with that id becomes active, added when the phone lacks it.
 * @param {{id: string, name?: string | null, age_band?: string, village?: string}} input
 * @returns {Promise<Profile>}
 */
export async function adoptProfile({ id, name = null, ...details }) {
  const profile = await withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const { list } = await ensure(meta);
    let found = list.find((p) => p.id === id);
    if (!found) {
      found = normalize({ id, name: name ? cleanName(name) : null, ...cleanDetails(details), created: new Date().toISOString() });
      list.push(found);
      await meta.put(list, 'profiles');
    }
    await meta.put(id, 'active_learner');
    return found;
  });
  notifyProfile();
  return profile;
}

/**
 * Rename a profile.
 * @param {string} id
 * @param {string} name
 * @returns {Promise<void>}
 */
export async function renameProfile(id, name) {
  const clean = cleanName(name);
  await writeList((list) => {
    const p = list.find((x) => x.id === id);
    if (p) p.name = clean;
  });
  notifyProfile();
}

/**
 * Change a profile's age band, village and (when `pin` is given) its PIN;
 * `pin: ''` removes the PIN.
 * @param {string} id
 * @param {{age_band?: string, village?: string, pin?: string}} patch
 * @returns {Promise<void>}
 */
export async function updateProfile(id, { pin, ...details }) {
  const clean = cleanDetails(details);
  const stored = pin === undefined ? undefined : pin === '' ? null : await hashPin(pin);
  await writeList((list) => {
    const i = list.findIndex((x) => x.id === id);
    if (i < 0) return;
    const { age_band: _a, village: _v, ...rest } = list[i];
    list[i] = { ...rest, ...clean, ...(stored === undefined ? {} : { pin: stored }) };
  });
  notifyProfile();
}

/**
 * Make another profile the active one. A profile with a PIN needs it (checkPin).
 * @param {string} id
 * @param {string} [pin]
 * @returns {Promise<Profile>}
 * @throws {XuedianError} `pin-wrong`, `pin-wait` ({details.seconds}), `validation-failed`
 */
export async function switchProfile(id, pin) {
  const list = await listProfiles();
  const profile = list.find((p) => p.id === id);
  if (!profile) throw new XuedianError('validation-failed', 'No such profile.', { details: { field: 'id' } });
  await checkPin(profile, pin);
  await setMeta('active_learner', id);
  notifyProfile();
  return profile;
}

/**
 * Refuse unless `pin` opens `profile` (a profile without a PIN always opens).
 * After FREE_TRIES wrong PINs in a row each further try must wait, doubling.
 * @throws {XuedianError} `pin-wrong`, `pin-wait`
 */
async function checkPin(profile, pin) {
  if (!profile.pin) return;
  const { id } = profile;
  const tries = (await getMeta('pin_tries')) || {};
  const mine = tries[id] || { fails: 0, until: 0 };
  const now = Date.now();
  if (mine.until > now) {
    throw new XuedianError('pin-wait', 'Too many wrong PINs; wait.', { details: { seconds: Math.ceil((mine.until - now) / 1000) } });
  }
  if (!(await pinMatches(profile.pin, pin))) {
    const fails = mine.fails + 1;
    const wait = fails >= FREE_TRIES ? Math.min(MAX_WAIT_MS, BASE_WAIT_MS * 2 ** (fails - FREE_TRIES)) : 0;
    await setMeta('pin_tries', { ...tries, [id]: { fails, until: wait ? now + wait : 0 } });
    if (wait) throw new XuedianError('pin-wait', 'Too many wrong PINs; wait.', { details: { seconds: Math.ceil(wait / 1000) } });
    throw new XuedianError('pin-wrong', 'Wrong PIN.');
  }
  if (tries[id]) {
    delete tries[id];
    await setMeta('pin_tries', tries);
  }
}

/**
 * Take a profile off this phone's list (and so out of the heartbeat's
 * `profiles`). Its learning records already made stay in the outbox and still
 * sync: nothing but the list entry (and its wrong-PIN counter) is removed. A
 * profile with a PIN needs it. The only profile cannot be removed; removing
 * the active one makes the first remaining profile without a PIN active (when
 * every other profile has a PIN, the person must switch first).
 * @param {string} id
 * @param {string} [pin]
 * @returns {Promise<Profile>} the active profile afterwards
 * @throws {XuedianError} `pin-wrong`, `pin-wait`, `validation-failed`
 *   (details.field `id`: no such profile, `last`: the only one, `switch`: switch first)
 */
export async function removeProfile(id, pin) {
  const before = await listProfiles();
  const profile = before.find((p) => p.id === id);
  if (!profile) throw new XuedianError('validation-failed', 'No such profile.', { details: { field: 'id' } });
  if (before.length < 2) {
    throw new XuedianError('validation-failed', 'The only profile cannot be removed.', { details: { field: 'last' } });
  }
  await checkPin(profile, pin);
  const now = await withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const { list, active } = await ensure(meta);
    const rest = list.filter((p) => p.id !== id);
    if (!rest.length) {
      throw new XuedianError('validation-failed', 'The only profile cannot be removed.', { details: { field: 'last' } });
    }
    let next = rest.find((p) => p.id === active);
    if (!next) {
      next = rest.find((p) => !p.pin);
      if (!next) throw new XuedianError('validation-failed', 'Switch to another person first.', { details: { field: 'switch' } });
      await meta.put(next.id, 'active_learner');
    }
    await meta.put(rest, 'profiles');
    const tries = (await meta.get('pin_tries')) || {};
    if (tries[id]) {
      delete tries[id];
      await meta.put(tries, 'pin_tries');
    }
    return next;
  });
  notifyProfile();
  return now;
}

/** @type {Set<() => void>} */
const listeners = new Set();

/** Tell this page's listeners and every screen listening to the window event. */
function notifyProfile() {
  listeners.forEach((fn) => fn());
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(PROFILE_EVENT));
}

/**
 * Call `fn` after the active profile changes, or a profile is added, renamed or removed.
 * @param {() => void} fn
 * @returns {() => void} unsubscribe
 */
export function onProfileChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * What the heartbeat says about the profiles: id, age band and village only.
 * @returns {Promise<{learner: string, age_band?: string, village?: string}[]>}
 */
export async function profilesForStatus() {
  const list = ((await getMeta('profiles')) || []).map(normalize);
  return list.slice(0, MAX_PROFILES).map((p) => {
    // Only text the county can store travels (lib/records/storable.js); nothing left, no field.
    const village = typeof p.village === 'string' ? cutText(p.village, VILLAGE_MAX).trim() : '';
    return {
      learner: p.id,
      ...(AGE_BANDS.includes(p.age_band) ? { age_band: p.age_band } : {}),
      ...(village ? { village } : {}),
    };
  });
}
