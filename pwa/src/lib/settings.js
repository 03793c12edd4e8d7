/**
 * The resident's display and behaviour choices. Owns localStorage
 * `xuedian-settings` (JSON), read synchronously at start-up so large text and
 * high contrast apply before the first paint. The language stays in
 * lib/i18n.js (`xuedian-lang`).
 *
 * - textScale      1 | 1.25 | 1.5 | 1.75 | 2 (200% text)
 * - contrast       high-contrast colours
 * - readAloud      speak lesson text with speechSynthesis where the phone has it
 * - dataSaver      never start downloads by itself ('auto' follows navigator.connection)
 * - recommendations show "you might like" suggestions computed on the phone
 */

const STORAGE_KEY = 'xuedian-settings';
export const TEXT_SCALES = [1, 1.25, 1.5, 1.75, 2];

/** @typedef {{textScale: number, contrast: boolean, readAloud: boolean, dataSaver: boolean | 'auto', recommendations: boolean}} Settings */

/** @type {Settings} */
export const DEFAULTS = { textScale: 1, contrast: false, readAloud: false, dataSaver: 'auto', recommendations: true };

/** @type {Set<(s: Settings) => void>} */
const listeners = new Set();

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || '{}');
    const merged = { ...DEFAULTS, ...(saved && typeof saved === 'object' ? saved : {}) };
    if (!TEXT_SCALES.includes(merged.textScale)) merged.textScale = 1;
    return merged;
  } catch {
    return { ...DEFAULTS };
  }
}

let current = load();

/** @returns {Settings} */
export function getSettings() {
  return current;
}

/**
 * Change some settings, remember them, apply them and tell subscribers.
 * @param {Partial<Settings>} patch
 */
export function setSettings(patch) {
  current = { ...current, ...patch };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current));
  } catch {
    // Not remembered (storage blocked), but still applied for this visit.
  }
  applySettings();
  listeners.forEach((fn) => fn(current));
}

/**
 * @param {(s: Settings) => void} fn
 * @returns {() => void} unsubscribe
 */
export function onSettingsChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Put text size and contrast on <html>: the stylesheet sizes everything in rem. */
export function applySettings() {
  const root = document.documentElement;
  // The base is 125% (20 px); 200% text doubles it.
  root.style.fontSize = `${125 * current.textScale}%`;
  root.classList.toggle('high-contrast', !!current.contrast);
}

/**
 * Whether the app may start a download by itself: not with data saver on, nor
 * (in 'auto') when the phone asks to save data or reports a 2G-class link.
 * @returns {boolean}
 */
export function mayAutoDownload() {
  if (current.dataSaver === true) return false;
  if (current.dataSaver === false) return true;
  const conn = /** @type {any} */ (navigator).connection;
  if (!conn) return true;
  return !conn.saveData && !['slow-2g', '2g'].includes(conn.effectiveType);
}
