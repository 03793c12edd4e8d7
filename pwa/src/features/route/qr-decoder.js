/**
 * Decode QR codes from camera frames with zxing-wasm, its wasm served from our
 * own origin (build.mjs copies it into /assets/ under a content hash; never a
 * CDN). Owns the prepared zxing module. Loaded with import() only by the
 * scanner and the route screen (warm.js).
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm';

/** @type {Promise<unknown> | null} */
let ready = null;

/**
 * Fetch and compile the wasm once.
 * @returns {Promise<unknown>}
 */
export function prepare() {
  if (!ready) {
    ready = prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
      fireImmediately: true,
    }).catch((err) => {
      ready = null;
      throw err;
    });
  }
  return ready;
}

/**
 * The text of the first QR code in a frame, or null.
 * @param {ImageData} frame
 * @returns {Promise<string | null>}
 */
export async function decode(frame) {
  await prepare();
  const results = await readBarcodes(frame, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const hit = results.find((r) => r.isValid && r.text);
  return hit ? hit.text : null;
}
