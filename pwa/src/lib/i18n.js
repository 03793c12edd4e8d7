/**
 * User-facing text. Owns the chosen language (localStorage `xuedian-lang`);
 * the zh-CN (default) and en message catalogs are messages/zh-CN.js and
 * messages/en.js, with the text of every error code the app can show in
 * messages/zh-CN-errors.js and messages/en-errors.js, and the credit bank's screens'
 * text in messages/zh-CN-credits.js and messages/en-credits.js.
 */
import { zh } from './messages/zh-CN.js';
import { zhErrors } from './messages/zh-CN-errors.js';
import { zhCredits } from './messages/zh-CN-credits.js';
import { en } from './messages/en.js';
import { enErrors } from './messages/en-errors.js';
import { enCredits } from './messages/en-credits.js';

/** @type {Record<string, typeof zh & typeof zhErrors>} */
export const CATALOGS = {
  'zh-CN': { ...zh, ...zhCredits, ...zhErrors },
  en: { ...en, ...enCredits, ...enErrors },
};
const STORAGE_KEY = 'xuedian-lang';
/** @type {Set<() => void>} */
const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && CATALOGS[saved]) return saved;
  } catch {
    // Storage may be blocked; fall back to the browser language.
  }
  const nav = (navigator.language || 'zh-CN').toLowerCase();
  return nav.startsWith('en') ? 'en' : 'zh-CN';
}

let lang = initialLang();

/** @returns {'zh-CN' | 'en'} the current language */
export function getLang() {
  return /** @type {'zh-CN' | 'en'} */ (lang);
}

/**
 * Switch language, remember it and tell subscribers.
 * @param {string} next
 */
export function setLang(next) {
  if (!CATALOGS[next]) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but still switched for this visit.
  }
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

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
