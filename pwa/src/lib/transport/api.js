/**
 * HTTP helpers for the county API, plain and signed. Owns no data; it turns every failure into
 * an XuedianError carrying the server's error-envelope code, or
 * `network-offline` when no answer came back at all.
 */
import { XuedianError } from '../errors.js';

/**
 * Parse an error envelope `{"ok": false, code, message, details}` from a
 * non-2xx response, falling back to a code derived from the status.
 * @param {Response} res
 * @returns {Promise<XuedianError>}
 */
export async function errorFromResponse(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // A proxy or captive portal answered with HTML; the status still tells something.
  }
  if (body && typeof body.code === 'string') {
    return new XuedianError(body.code, body.message || body.code, { status: res.status, details: body.details || {} });
  }
  const code = res.status === 404 ? 'not-found' : res.status === 429 ? 'rate-limited' : 'internal-error';
  return new XuedianError(code, `HTTP ${res.status}`, { status: res.status });
}

/**
 * How long one county request may take, its answer's body included, before it counts as a
 * lost network: a 2G link that stalls mid-answer would otherwise hold a sync ("正在同步…")
 * for ever, and it would never be tried again.
 */
export const REQUEST_TIMEOUT_MS = 45_000;

/**
 * fetch() that maps a network failure, or no whole answer within `timeoutMs`, to
 * `network-offline`.
 * @param {string} url
 * @param {RequestInit} [init]
 * @param {number} [timeoutMs]
 * @returns {Promise<Response>}
 */
export async function request(url, init = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
  const timeout = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : null;
  try {
    return await fetch(url, timeout ? { ...init, signal: timeout } : init);
  } catch (err) {
    throw new XuedianError('network-offline', 'The network is not reachable.', { cause: err });
  }
}

/**
 * Call a JSON endpoint. Resolves with the parsed body of a 2xx answer; rejects
 * with an XuedianError otherwise.
 * @param {string} url
 * @param {{method?: string, body?: any, headers?: Record<string, string>, cache?: RequestCache}} [opts]
 * @returns {Promise<any>}
 */
export async function apiJson(url, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  /** @type {RequestInit} */
  const init = { method: opts.method || 'GET', headers, cache: opts.cache || 'no-cache' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  const res = await request(url, init);
  if (!res.ok) throw await errorFromResponse(res);
  return readJson(res, 'The server answer is not valid JSON.');
}

/**
 * Send a signed envelope as JSON; no Authorization header: the signature is
 * the credential. A body over `gzipOver` bytes goes gzip-compressed where the
 * browser can (2G data is dear: JSON records compress about tenfold).
 * @param {string} url
 * @param {{signed: object, signature: string}} envelope
 * @param {{method?: string, gzipOver?: number}} [opts]
 * @returns {Promise<Response>} a 2xx answer
 * @throws {XuedianError} `network-offline` or the county's error
 */
export async function sendEnvelope(url, envelope, { method = 'POST', gzipOver = Infinity } = {}) {
  const json = JSON.stringify(envelope);
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  /** @type {BodyInit} */
  let body = json;
  if (json.length > gzipOver && typeof CompressionStream === 'function') {
    const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
    body = await new Response(stream).arrayBuffer();
    headers['Content-Encoding'] = 'gzip';
  }
  const res = await request(url, { method, headers, body, cache: 'no-store' });
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/**
 * The JSON body of a 2xx answer.
 * @param {Response} res
 * @param {string} message what to say when it is not JSON
 * @returns {Promise<any>}
 * @throws {XuedianError} `body-not-json`
 */
export async function readJson(res, message) {
  try {
    return await res.json();
  } catch (err) {
    // The answer stopped coming (request()'s time ran out): the network, not the county.
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
      throw new XuedianError('network-offline', 'The network is not reachable.', { cause: err });
    }
    throw new XuedianError('body-not-json', message, { status: res.status, cause: err });
  }
}
