/**
 * A QR code as one SVG path, drawn from qrcode-generator's module matrix. The generator is
 * loaded with import() on the certificate screens only. Owns nothing.
 */

/**
 * The path of a module matrix: one rectangle per run of dark modules in a row.
 * @param {number} size modules per side
 * @param {(row: number, col: number) => boolean} isDark
 * @returns {string} an SVG path `d` in module units
 */
export function matrixPath(size, isDark) {
  let d = '';
  for (let r = 0; r < size; r += 1) {
    let c = 0;
    while (c < size) {
      if (!isDark(r, c)) {
        c += 1;
        continue;
      }
      const start = c;
      while (c < size && isDark(r, c)) c += 1;
      d += `M${start} ${r}h${c - start}v1h${start - c}z`;
    }
  }
  return d;
}

/**
 * Encode `text` (byte mode, error correction M, the smallest version that fits).
 * @param {string} text
 * @returns {Promise<{size: number, path: string}>}
 */
export async function qrPath(text) {
  const { default: qrcode } = await import('qrcode-generator');
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  return { size, path: matrixPath(size, (r, c) => qr.isDark(r, c)) };
}
