/**
 * The county's seal drawn on certificates: a red ring with a star and two lines of text,
 * as SVG markup so the same drawing goes on screen and into a shared picture. Owns nothing.
 */

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * The star's points, centred at (50, 42).
 * @returns {string}
 */
function starPoints() {
  const pts = [];
  for (let i = 0; i < 10; i += 1) {
    const r = i % 2 === 0 ? 14 : 5.6;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(50 + r * Math.cos(a)).toFixed(1)},${(42 + r * Math.sin(a)).toFixed(1)}`);
  }
  return pts.join(' ');
}

/**
 * The seal's SVG content on a 100×100 grid.
 * @param {string} top the county's name (or the credit bank's) along the top
 * @param {string} bottom a short word under the star (认证)
 * @returns {string} SVG elements, without the outer <svg>
 */
export function sealMarkup(top, bottom) {
  const name = String(top).slice(0, 12);
  return `<circle cx="50" cy="50" r="46" fill="none" stroke="#c8102e" stroke-width="4"/>`
    + `<circle cx="50" cy="50" r="40" fill="none" stroke="#c8102e" stroke-width="1.2"/>`
    + `<polygon points="${starPoints()}" fill="#c8102e"/>`
    + `<text x="50" y="24" text-anchor="middle" font-size="${name.length > 6 ? 8 : 10}" font-weight="700" fill="#c8102e">${esc(name)}</text>`
    + `<text x="50" y="74" text-anchor="middle" font-size="12" font-weight="700" fill="#c8102e">${esc(bottom)}</text>`;
}
