/**
 * Study time (学时) as the resident reads it. Owns nothing: the county counts
 * hours to 0.01, which after a few lessons reads as "0"; minutes say more.
 */
import { tf } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';

/**
 * "1.5 小时" from an hour up, "12 分钟" below, "不到 1 分钟" for a moment (or when
 * lessons were finished but too quickly for the county to count their time), "0" for none.
 * @param {number} hours
 * @param {boolean} [learnt] whether any lesson was finished
 * @returns {string}
 */
export function studyTime(hours, learnt = false) {
  if (!hours || hours <= 0) return learnt ? t('time.underMinute') : '0';
  if (hours >= 1) return tf('time.hours', { n: Math.round(hours * 10) / 10 });
  const minutes = Math.round(hours * 60);
  return minutes >= 1 ? tf('time.minutes', { n: minutes }) : t('time.underMinute');
}
