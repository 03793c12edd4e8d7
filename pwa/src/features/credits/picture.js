/**
 * A certificate as a picture file to share or keep: the card drawn as one SVG (seal,
 * title, study time, date, QR code), turned into a PNG where the browser can, then handed
 * to the Web Share API with the file, or downloaded. Owns nothing.
 */
import { sealMarkup } from './seal.js';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * The certificate as a standalone SVG document (600 × 860).
 * @param {{title: string, lines: string[], seal: [string, string], qr: {size: number, path: string} | null}} card
 * @returns {string}
 */
export function certificateSvg(card) {
  const lines = card.lines.map((line, i) => `<text x="300" y="${330 + i * 40}" text-anchor="middle" font-size="26" fill="#111">${esc(line)}</text>`).join('');
  let qr = '';
  if (card.qr) {
    const scale = 340 / (card.qr.size + 8);
    qr = `<g transform="translate(130 440) scale(${scale.toFixed(4)})"><rect width="${card.qr.size + 8}" height="${card.qr.size + 8}" fill="#fff"/>`
      + `<path transform="translate(4 4)" d="${card.qr.path}" fill="#000" shape-rendering="crispEdges"/></g>`;
  }
  return '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="860" viewBox="0 0 600 860">'
    + '<rect width="600" height="860" fill="#fffdf6"/><rect x="12" y="12" width="576" height="836" fill="none" stroke="#c8102e" stroke-width="6"/>'
    + `<g transform="translate(230 30) scale(1.4)">${sealMarkup(card.seal[0], card.seal[1])}</g>`
    + `<text x="300" y="270" text-anchor="middle" font-size="36" font-weight="700" fill="#111">${esc(card.title)}</text>`
    + `${lines}${qr}</svg>`;
}

async function asPng(svg) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 1200;
    canvas.height = 1720;
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Share the certificate as a picture file, or download it where sharing files is not offered.
 * @param {string} svg from {@link certificateSvg}
 * @param {string} name file name without extension
 * @returns {Promise<'shared' | 'saved' | 'cancelled'>}
 */
export async function shareCertificate(svg, name) {
  const png = await asPng(svg).catch(() => null);
  const file = png
    ? new File([png], `${name}.png`, { type: 'image/png' })
    : new File([svg], `${name}.svg`, { type: 'image/svg+xml' });
  if (navigator.canShare?.({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title: name });
      return 'shared';
    } catch (err) {
      if (/** @type {any} */ (err)?.name === 'AbortError') return 'cancelled';
      // Sharing refused (no user gesture left, say): save it instead.
    }
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(file);
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  return 'saved';
}
