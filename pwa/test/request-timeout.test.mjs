// A county request that gets no whole answer in time fails as `network-offline`, so a
// stalled 2G link never holds a sync for ever (lib/transport/api.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request, readJson } from '../src/lib/transport/api.js';

function serve(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('no answer at all: network-offline after the time given', { timeout: 10_000 }, async () => {
  const server = await serve(() => {}); // accepts, never answers
  const url = `http://127.0.0.1:${server.address().port}/api/v1/sync/changes`;
  const started = Date.now();
  await assert.rejects(request(url, {}, 300), (err) => err.code === 'network-offline');
  assert.ok(Date.now() - started >= 250, 'it waited for the time given');
  server.closeAllConnections();
  server.close();
});

test('an answer that stops halfway: network-offline, not "not JSON"', { timeout: 10_000 }, async () => {
  const server = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"ok": true, "records": ['); // and never the rest
  });
  const url = `http://127.0.0.1:${server.address().port}/api/v1/sync/changes`;
  const res = await request(url, {}, 300);
  await assert.rejects(readJson(res, 'not JSON'), (err) => err.code === 'network-offline');
  server.closeAllConnections();
  server.close();
});

test('a whole answer in time is read as usual', { timeout: 10_000 }, async () => {
  const server = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok": true}');
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  assert.deepEqual(await readJson(await request(url, {}, 5000), 'not JSON'), { ok: true });
  server.close();
});
