/**
 * User-facing text. Owns the chosen language (localStorage `xuedian-lang`);
 * the zh-CN (default) and en message catalogs are messages/zh-CN.js and
 * messages/en.js, with the text of every error code the app can show in
 * messages/zh-CN-errors.js and messages/en-errors.js, and the credit bank's screens'
 * text in messages/zh-CN-credits.js and messages/en-credits.js.
 *
 * zh-CN ships with the first screen; English (messages/en-all.js) is fetched when it is
 * chosen, so most phones never download it. `langReady` settles once the language a
 * phone starts in has its catalog; the app renders after it.
 */
import { zh } from './messages/zh-CN.js';
import { zhErrors } from './messages/zh-CN-errors.js';
import { zhCredits } from './messages/zh-CN-credits.js';

export const LANGS = /** @type {const} */ (['zh-CN', 'en']);
/** The catalogs fetched so far. @type {Record<string, typeof zh & typeof zhErrors>} */
export const CATALOGS = {
  'zh-CN': { ...zh, ...zhCredits, ...zhErrors },
};
const LOADERS = {
  en: () => import('./messages/en-all.js').then((m) => m.catalog),
};
const STORAGE_KEY = 'xuedian-lang';
/** @type {Set<() => void>} */
const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && LANGS.includes(/** @type {any} */ (saved))) return saved;
  } catch {
    // Storage may be blocked; fall back to the browser language.
  }
  const nav = (navigator.language || 'zh-CN').toLowerCase();
  return nav.startsWith('en') ? 'en' : 'zh-CN';
}

let lang = 'zh-CN';
// Which setLang call is the latest: a slower catalog fetch never undoes a later choice.
let choosing = 0;

/** @returns {'zh-CN' | 'en'} the current language */
export function getLang() {
  return /** @type {'zh-CN' | 'en'} */ (lang);
}

async function switchTo(next, remember) {
  if (!LANGS.includes(next)) return;
  const mine = ++choosing;
  if (!CATALOGS[next]) CATALOGS[next] = await LOADERS[next]();
  if (mine !== choosing) return;
  lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered, but still switched for this visit.
    }
  }
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

/**
 * Switch language (fetching its catalog first), remember it and tell subscribers.
 * @param {string} next
 * @returns {Promise<void>} settles once the switch is made; rejects if the catalog
 *   could not be fetched (the language stays as it was)
 */
export function setLang(next) {
  return switchTo(next, true);
}

/** Settles once the language this phone starts in has its catalog (zh-CN if it fails). */
export const langReady = (() => {
  const wanted = initialLang();
  return wanted === 'zh-CN' ? Promise.resolve() : switchTo(wanted, false).catch(() => {});
})();

/**
 * @param {() => void} fn called after the language changes
 * @returns {() => void} unsubscribe
 */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Text for a message key in the current language.
 * @param {keyof typeof zh} key
 * @returns {string}
 */
export function t(key) {
  return CATALOGS[lang][key] ?? zh[key] ?? key;
}

/**
 * Text for an error code; unknown codes fall back to the server's message.
 * @param {string} code
 * @param {string} [fallback]
 * @returns {string}
 */
export function errorText(code, fallback) {
  const key = `err.${code}`;
  return CATALOGS[lang][key] ?? fallback ?? CATALOGS[lang]['err.internal-error'];
}

/**
 * Pick the current language out of a `{zh-CN, en}` object from a manifest.
 * @param {Record<string, string> | string | undefined} text
 * @returns {string}
 */
export function pick(text) {
  if (!text || typeof text === 'string') return text || '';
  return text[lang] || text['zh-CN'] || text.en || Object.values(text)[0] || '';
}
