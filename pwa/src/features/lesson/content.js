/**
 * Turns a lesson's stored HTML into DOM. Owns no data. The HTML was already
 * sanitised by the server's pack build; here relative media links are pointed
 * at the pack's /content/ URLs, which the service worker answers from cache.
 */
import { contentUrl } from '../../lib/packs/packs.js';
import { readFile } from '../../lib/packs/blobstore.js';

const URL_ATTRS = [['img', 'src'], ['audio', 'src'], ['video', 'src'], ['video', 'poster'], ['source', 'src'], ['track', 'src'], ['a', 'href']];

/**
 * Parse lesson HTML into a fragment with pack-relative URLs resolved.
 * @param {string} text lesson HTML
 * @param {{pack_id: string, version: number}} row installed pack row
 * @param {string} filePath the lesson's `files[].path`
 * @returns {DocumentFragment}
 */
export function lessonFragment(text, row, filePath) {
  const tpl = document.createElement('template');
  // Template content is inert: nothing loads or runs until it is adopted below.
  tpl.innerHTML = text;
  const base = new URL(contentUrl(row.pack_id, row.version, filePath), location.origin);
  for (const [tag, attr] of URL_ATTRS) {
    for (const el of tpl.content.querySelectorAll(`${tag}[${attr}]`)) {
      const value = el.getAttribute(attr) || '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('#') || value.startsWith('/')) continue;
      el.setAttribute(attr, new URL(value, base).pathname);
    }
  }
  for (const el of tpl.content.querySelectorAll('script, iframe, object, embed')) el.remove();
  for (const el of tpl.content.querySelectorAll('audio, video')) el.setAttribute('preload', 'metadata');
  return tpl.content;
}

/**
 * Whether /content/ URLs work here: only a service worker can answer them.
 * @returns {boolean}
 */
export function contentServed() {
  return Boolean(navigator.serviceWorker?.controller);
}

/**
 * An object URL for one pack file, for pages no service worker controls yet
 * (the very first visit). The caller revokes it.
 * @param {any} row installed pack row
 * @param {string} path
 * @returns {Promise<string | null>}
 */
export async function objectUrl(row, path) {
  const res = await readFile(row, path);
  return res ? URL.createObjectURL(await res.blob()) : null;
}

/**
 * Point the pack's /content/ media in `root` at object URLs, when no service
 * worker serves /content/. Returns the URLs to revoke later.
 * @param {ParentNode} root
 * @param {any} row installed pack row
 * @returns {Promise<string[]>}
 */
export async function localizeMedia(root, row) {
  const prefix = contentUrl(row.pack_id, row.version, '');
  const urls = [];
  for (const el of root.querySelectorAll('img[src], audio[src], video[src], source[src]')) {
    const src = el.getAttribute('src') || '';
    if (!src.startsWith(prefix)) continue;
    const url = await objectUrl(row, src.slice(prefix.length).split('/').map(decodeURIComponent).join('/'));
    if (url) {
      urls.push(url);
      el.setAttribute('src', url);
    }
  }
  return urls;
}

/**
 * ISO 8601 duration for xAPI `result.duration`.
 * @param {number} ms
 * @returns {string} e.g. `PT2M10S`
 */
export function isoDuration(ms) {
  let s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}
