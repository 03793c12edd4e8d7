/**
 * The app's one error type. Owns nothing but the shape: a stable kebab-case
 * `code` (the same codes the server sends) that i18n maps to text.
 */

export class XuedianError extends Error {
  /**
   * @param {string} code stable kebab-case code, e.g. `pack-signature-invalid`
   * @param {string} [message] English fallback text
   * @param {{status?: number, details?: object, cause?: unknown}} [extra]
   */
  constructor(code, message = code, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'XuedianError';
    this.code = code;
    this.status = extra.status ?? 0;
    this.details = extra.details ?? {};
  }
}

/**
 * The code of any thrown value, for showing it to the user.
 * @param {unknown} err
 * @returns {string}
 */
export function errorCode(err) {
  if (err instanceof XuedianError) return err.code;
  const name = /** @type {{name?: string}} */ (err)?.name;
  if (name === 'QuotaExceededError') return 'storage-full';
  return 'internal-error';
}
