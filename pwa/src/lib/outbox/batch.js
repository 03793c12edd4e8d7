/**
 * The `sync-batch` message (docs/protocol.md): which record fields travel, how
 * many per batch, and the signed envelope around them and the heartbeat. Owns
 * no data. The same envelope goes by HTTP (outbox/send.js) and in an exported
 * sync bundle (features/export).
 */
import { uuidv4 } from '../uuid.js';
import { sign } from '../transport/device.js';
import { waitingRecords } from './queue.js';
import { deviceStatus } from './heartbeat.js';

export const MAX_BATCH = 500;
const WIRE_FIELDS = ['id', 'learner', 'verb', 'object', 'result', 'timestamp', 'device_seq'];

/**
 * Up to `limit` unquarantined records in device_seq order, as sent on the wire.
 * @param {number} limit
 * @returns {Promise<object[]>}
 */
export async function unsentRecords(limit) {
  return (await waitingRecords(limit)).map((row) => {
    const wire = {};
    for (const key of WIRE_FIELDS) if (row[key] !== undefined) wire[key] = row[key];
    return wire;
  });
}

/**
 * A signed `sync-batch` envelope of `records`, with the heartbeat.
 * @param {object[]} records at most MAX_BATCH, as from unsentRecords()
 * @param {object} [status] the heartbeat; read now when not given
 * @returns {Promise<{signed: object, signature: string}>}
 */
export async function signedBatch(records, status) {
  return sign({
    type: 'sync-batch',
    batch_id: uuidv4(),
    created: new Date().toISOString(),
    records,
    status: status || (await deviceStatus()),
  });
}
