/**
 * Identifier generation. Owns the last UUIDv7 timestamp and counter of this
 * JavaScript realm, so ids made in the same millisecond still sort in order.
 */

let lastMs = -1;
let counter = 0;

function hex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/**
 * Make a UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit
 * counter in rand_a (monotonic within a millisecond), variant 10, 62 random bits.
 * Record ids double as idempotency keys, so time ordering keeps server indexes tidy.
 * @param {number} [now] milliseconds since the epoch, for tests
 * @returns {string}
 */
export function uuidv7(now = Date.now()) {
  let ms = Math.floor(now);
  if (ms <= lastMs) {
    // A clock step backwards or a burst within one millisecond: keep ordering.
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  } else {
    counter = crypto.getRandomValues(new Uint16Array(1))[0] & 0x3ff;
  }
  lastMs = ms;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // Split with division: bit operators in JS are only 32 bits wide.
  const high = Math.floor(ms / 0x10000);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return hex(bytes);
}

/**
 * Make a random UUIDv4, for learner profiles and batch ids.
 * @returns {string}
 */
export function uuidv4() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = 0x40 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return hex(bytes);
}
