/**
 * Export the outbox as a sync bundle (.xdsync) that a volunteer carries to the
 * county by SD card or a messaging app. Owns no data: it reads the unsent
 * records and deletes nothing, because a record leaves the outbox only on a
 * county receipt. Loaded with import() when the user asks for an export.
 *
 * The file is gzip of UTF-8 JSON: `{type: 'xdsync', schema_version: 1,
 * device_id, created, registration, batches}`, every envelope signed by this
 * phone (docs/protocol.md, "Sync bundles").
 */
import { unsentRecords, signedBatch, MAX_BATCH } from '../../lib/outbox/batch.js';
import { deviceStatus } from '../../lib/outbox/heartbeat.js';
import { deviceIdentity, registration } from '../../lib/transport/device.js';
import { XuedianError } from '../../lib/errors.js';

/** The county refuses bundles of more batches than this. */
export const MAX_BUNDLE_BATCHES = 200;

const pad = (n) => String(n).padStart(2, '0');

/**
 * The bundle's file name: `xuedian-<first 8 of device id>-<yyyymmdd-hhmm>.xdsync`, local time.
 * @param {string} deviceId
 * @param {Date} when
 * @returns {string}
 */
export function bundleName(deviceId, when) {
  const day = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}`;
  return `xuedian-${deviceId.slice(0, 8)}-${day}-${pad(when.getHours())}${pad(when.getMinutes())}.xdsync`;
}

async function gzip(text) {
  if (typeof CompressionStream !== 'function') {
    throw new XuedianError('unsupported-browser', 'This browser cannot compress files.');
  }
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

/**
 * Build the bundle of every unsent record (up to 200 batches of 500).
 * @param {Date} [now]
 * @returns {Promise<{count: number, name: string, blob: Blob | null}>} `blob` is null when nothing waits
 */
export async function buildBundle(now = new Date()) {
  const records = await unsentRecords(MAX_BATCH * MAX_BUNDLE_BATCHES);
  const id = await deviceIdentity();
  const name = bundleName(id.device_id, now);
  if (records.length === 0) return { count: 0, name, blob: null };
  const status = await deviceStatus();
  const batches = [];
  for (let i = 0; i < records.length; i += MAX_BATCH) {
    batches.push(await signedBatch(records.slice(i, i + MAX_BATCH), status));
  }
  const bundle = {
    type: 'xdsync',
    schema_version: 1,
    device_id: id.device_id,
    created: now.toISOString(),
    registration: await registration(),
    batches,
  };
  const blob = await gzip(JSON.stringify(bundle));
  // octet-stream, so no phone renames the file after a guessed type.
  return { count: records.length, name, blob: new Blob([blob], { type: 'application/octet-stream' }) };
}

/**
 * Build the bundle and hand it to the browser as a download.
 * @returns {Promise<{count: number, name: string}>}
 */
export async function exportBundle() {
  const { count, name, blob } = await buildBundle();
  if (!blob) return { count, name };
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after click() returns; let them finish first.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { count, name };
}
