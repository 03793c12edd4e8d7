/**
 * Importing a county acknowledgement file (`.xdack`) on the phone, offline.
 * Owns nothing: it checks the county signature, that the ack is for this
 * phone, and deletes in one transaction exactly the outbox records it covers
 * (lib/transport/ack-ranges.js). A refused file changes nothing.
 */
import { withTx } from '../storage/db.js';
import { verifyEnvelope } from '../packs/verify.js';
import { deviceIdentity } from './device.js';
import { notify as outboxChanged } from '../outbox/queue.js';
import { checkRanges, deleteAcked } from './ack-ranges.js';
import { XuedianError } from '../errors.js';

/** An ack lists at most 1,000 ranges: far below this. */
const MAX_ACK_BYTES = 256 * 1024;

/**
 * Whether a chosen file is an acknowledgement rather than a pack archive: a
 * zip starts with `PK`; an ack is JSON (or at least named `.xdack`). Anything
 * else goes to the pack import, which names it not a course file.
 * @param {Blob & {name?: string}} file
 * @returns {Promise<boolean>}
 */
export async function isAckFile(file) {
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  if (head[0] === 0x50 && head[1] === 0x4b) return false;
  if (/\.xdack$/i.test(file.name || '')) return true;
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  return first === 0x7b; // '{'
}

/**
 * Import one `.xdack` file: verify it and delete the records it acknowledges.
 * @param {Blob} file
 * @returns {Promise<{deleted: number, created: string}>} how many records left the outbox
 * @throws {XuedianError} `ack-invalid`, `ack-signature-invalid` or `ack-wrong-device`
 */
export async function importAck(file) {
  if (file.size > MAX_ACK_BYTES) throw new XuedianError('ack-invalid', 'The file is too large to be an ack.');
  let envelope;
  try {
    envelope = JSON.parse(await file.text());
  } catch (err) {
    throw new XuedianError('ack-invalid', 'The file is not JSON.', { cause: err });
  }
  if (envelope?.signed?.type !== 'xdack') throw new XuedianError('ack-invalid', 'Not an xdack document.');
  let signed;
  try {
    signed = await verifyEnvelope(envelope, 'xdack');
  } catch (err) {
    const code = /** @type {any} */ (err)?.code;
    throw new XuedianError('ack-signature-invalid', 'The county signature does not verify.', { cause: err, details: { reason: code } });
  }
  if (signed.schema_version !== 1 || !Number.isSafeInteger(signed.max_contiguous_seq)) {
    throw new XuedianError('ack-invalid', 'Not an xdack of schema version 1.');
  }
  const ranges = checkRanges(signed.stored_seq_ranges);
  const me = await deviceIdentity();
  if (signed.device_id !== me.device_id) {
    throw new XuedianError('ack-wrong-device', 'The ack is for another phone.', { details: { device_id: signed.device_id } });
  }
  const deleted = await withTx(['outbox'], 'readwrite', (tx) => deleteAcked(tx, ranges));
  if (deleted) outboxChanged();
  return { deleted, created: signed.created };
}
