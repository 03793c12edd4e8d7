/**
 * The whole English catalog, fetched only when a person chooses English (lib/i18n.js):
 * zh-CN is the default, so the first screen's code carries no English text.
 */
import { en } from './en.js';
import { enErrors } from './en-errors.js';
import { enCredits } from './en-credits.js';

export const catalog = { ...en, ...enCredits, ...enErrors };
