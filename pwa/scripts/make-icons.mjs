/**
 * Draws the app icons (an open book under a golden dot: 学 + 点) and writes
 * them as PNG into src/app/icons/. Pure node + zlib so any developer machine
 * can regenerate them: `npm run icons`.
 */
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'app', 'icons');
const GREEN = [11, 93, 30, 255];
const WHITE = [255, 255, 255, 255];
const GOLD = [245, 196, 0, 255];
const CLEAR = [0, 0, 0, 0];
const SUB = 4; // 4×4 samples per pixel for smooth edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y += 1) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function inPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i, i += 1) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function inRoundRect(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const LEFT_PAGE = [[0.17, 0.47], [0.485, 0.56], [0.485, 0.85], [0.17, 0.76]];
const RIGHT_PAGE = [[0.515, 0.56], [0.83, 0.47], [0.83, 0.76], [0.515, 0.85]];

/** Colour of the design at unit coordinates; `scale` shrinks the art for the maskable safe zone. */
function sample(x, y, { maskable }) {
  if (!maskable && !inRoundRect(x, y, 0.2)) return CLEAR;
  const s = maskable ? 0.78 : 1;
  const u = 0.5 + (x - 0.5) / s;
  const v = 0.5 + (y - 0.5) / s;
  if ((u - 0.5) ** 2 + (v - 0.29) ** 2 <= 0.125 ** 2) return GOLD;
  if (inPolygon(u, v, LEFT_PAGE) || inPolygon(u, v, RIGHT_PAGE)) return WHITE;
  return GREEN;
}

function draw(size, opts) {
  const px = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SUB; sy += 1) {
        for (let sx = 0; sx < SUB; sx += 1) {
          const c = sample((x + (sx + 0.5) / SUB) / size, (y + (sy + 0.5) / SUB) / size, opts);
          // Premultiply so transparent samples do not darken the edge.
          acc[0] += c[0] * c[3];
          acc[1] += c[1] * c[3];
          acc[2] += c[2] * c[3];
          acc[3] += c[3];
        }
      }
      const i = (y * size + x) * 4;
      const a = acc[3];
      px[i] = a ? Math.round(acc[0] / a) : 0;
      px[i + 1] = a ? Math.round(acc[1] / a) : 0;
      px[i + 2] = a ? Math.round(acc[2] / a) : 0;
      px[i + 3] = Math.round(a / (SUB * SUB));
    }
  }
  return encodePng(size, px);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['icon-maskable-512.png', 512, true]]) {
  writeFileSync(join(OUT, name), draw(size, { maskable }));
  console.log(`wrote src/app/icons/${name}`);
}
