/**
 * Pick the QR reader for this phone: the browser's own `BarcodeDetector` only
 * where `getSupportedFormats()` lists `qr_code` (it is missing or broken in many
 * Chinese in-app browsers), else zxing-wasm (qr-decoder.js, loaded on demand).
 * Owns nothing.
 */
import { loadDecoder } from './warm.js';

/**
 * @typedef {(source: HTMLCanvasElement) => Promise<string | null>} Reader
 */

/**
 * The browser's own detector as a reader, or null where it does not report QR support.
 * @returns {Promise<Reader | null>}
 */
export async function nativeReader() {
  const Detector = /** @type {any} */ (globalThis).BarcodeDetector;
  if (typeof Detector !== 'function' || typeof Detector.getSupportedFormats !== 'function') return null;
  const formats = await Detector.getSupportedFormats().catch(() => []);
  if (!formats.includes('qr_code')) return null;
  const detector = new Detector({ formats: ['qr_code'] });
  /** @type {Reader} */
  const read = async (canvas) => {
    const [hit] = await detector.detect(canvas);
    return hit?.rawValue || null;
  };
  return read;
}

/**
 * The reader to use, and which one it is (`native` or `zxing`, for tests and diagnostics).
 * @returns {Promise<{kind: 'native' | 'zxing', read: Reader}>}
 */
export async function chooseReader() {
  const native = await nativeReader();
  if (native) return { kind: 'native', read: native };
  const decoder = await loadDecoder();
  await decoder.prepare();
  return {
    kind: 'zxing',
    read: async (canvas) => {
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
      return decoder.decode(ctx.getImageData(0, 0, canvas.width, canvas.height));
    },
  };
}
