/**
 * QR codes on screen: a tiny wrapper over the npm package `qrcode-generator`,
 * loaded with import() only when a screen shows a code (the learner card, a
 * certificate), so the first load never carries it. Owns no data.
 */

/**
 * A QR code of `text` as a GIF data: URL (the app's CSP allows data: images).
 * @param {string} text what the code holds (ASCII here: ids and compact texts)
 * @param {{cell?: number, margin?: number, level?: 'L' | 'M' | 'Q' | 'H'}} [opts]
 * @returns {Promise<string>}
 */
export async function qrDataUrl(text, { cell = 6, margin = 2, level = 'M' } = {}) {
  const { default: qrcode } = await import('qrcode-generator');
  const qr = qrcode(0, level);
  qr.addData(text, 'Byte');
  qr.make();
  return qr.createDataURL(cell, margin);
}
