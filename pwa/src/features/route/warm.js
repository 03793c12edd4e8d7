/**
 * Fetch the QR decoder (its chunk and its wasm) ahead of need. Owns the
 * decoder's module promise, so the scanner and the route screen share one load.
 *
 * The decoder is left out of the install-time precache (build.mjs): most
 * learners never scan. The service worker keeps what this fetches (its
 * scanner route, service-worker/content.js), so once a learner has opened a
 * route the scanner works offline.
 */

/** @type {Promise<typeof import('./qr-decoder.js')> | null} */
let decoder = null;

/**
 * The decoder module, loaded once.
 * @returns {Promise<typeof import('./qr-decoder.js')>}
 */
export function loadDecoder() {
  if (!decoder) {
    decoder = import('./qr-decoder.js').catch((err) => {
      decoder = null;
      throw err;
    });
  }
  return decoder;
}

/**
 * Load the decoder and its wasm now, quietly (a failure waits for the next try).
 * @returns {void}
 */
export function warmScanner() {
  loadDecoder().then((m) => m.prepare()).catch(() => {});
}
