/**
 * Message templates: fill `{name}` placeholders of a catalog text. Owns
 * nothing; values that are `{zh-CN, en}` objects are picked in the app language.
 */
import { t, pick } from './i18n.js';

/**
 * The text of `key` with each `{name}` replaced by `vars[name]`.
 * @param {string} key a message key
 * @param {Record<string, any>} [vars]
 * @returns {string}
 */
export function tf(key, vars = {}) {
  return t(/** @type {any} */ (key)).replace(/\{(\w+)\}/g, (whole, name) => {
    const v = vars[name];
    if (v === undefined || v === null) return whole;
    return typeof v === 'object' ? pick(v) : String(v);
  });
}

/**
 * The label of a pack category; unknown categories show as they are.
 * @param {string} category
 * @returns {string}
 */
export function categoryName(category) {
  const key = `cat.${category}`;
  const text = t(/** @type {any} */ (key));
  return text === key ? category : text;
}
