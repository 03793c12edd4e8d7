/** The app version sent at device registration. Owns nothing else. */
export const APP_VERSION = '0.2.0';
