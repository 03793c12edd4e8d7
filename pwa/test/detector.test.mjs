import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { nativeReader, chooseReader } from '../src/features/route/detector.js';

// The scanner uses the browser's own BarcodeDetector only where it says it reads QR codes:
// in many Chinese in-app browsers it is missing, lists no formats, or fails.

afterEach(() => {
  delete globalThis.BarcodeDetector;
});

/** A BarcodeDetector that reports `formats` and finds `hits` in every frame. */
function fakeDetector(formats, hits = []) {
  const made = [];
  class Detector {
    constructor(options) {
      made.push(options);
    }
    async detect() {
      return hits;
    }
  }
  Detector.getSupportedFormats = typeof formats === 'function' ? formats : async () => formats;
  globalThis.BarcodeDetector = Detector;
  return made;
}

test('no BarcodeDetector: no native reader', async () => {
  assert.equal(await nativeReader(), null);
});

test('a BarcodeDetector without getSupportedFormats is not trusted', async () => {
  globalThis.BarcodeDetector = class {};
  assert.equal(await nativeReader(), null);
});

test('a BarcodeDetector that does not list qr_code is not used', async () => {
  for (const formats of [[], ['ean_13', 'code_128'], ['QRCode']]) {
    const made = fakeDetector(formats, [{ rawValue: 'x' }]);
    assert.equal(await nativeReader(), null, JSON.stringify(formats));
    assert.deepEqual(made, []);
  }
});

test('a BarcodeDetector whose getSupportedFormats fails is not used', async () => {
  fakeDetector(async () => {
    throw new Error('NotSupportedError');
  });
  assert.equal(await nativeReader(), null);
});

test('a BarcodeDetector listing qr_code reads QR codes only', async () => {
  const made = fakeDetector(['ean_13', 'qr_code'], [{ rawValue: 'https://county.example/?site=p/s' }]);
  const read = await nativeReader();
  assert.equal(typeof read, 'function');
  assert.deepEqual(made, [{ formats: ['qr_code'] }]);
  assert.equal(await read(/** @type {any} */ ({})), 'https://county.example/?site=p/s');
  const chosen = await chooseReader();
  assert.equal(chosen.kind, 'native');
});

test('the native reader says null for a frame without a code', async () => {
  fakeDetector(['qr_code'], []);
  const read = await nativeReader();
  assert.equal(await read(/** @type {any} */ ({})), null);
});
