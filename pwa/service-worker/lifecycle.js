/**
 * Install and update policy. Owns nothing. The first worker takes control at
 * once (clients.claim); a later one waits until the page says SKIP_WAITING,
 * which it sends only after the user agrees, never mid-lesson.
 */
import { clientsClaim } from 'workbox-core';

/**
 * @param {ExtendableMessageEvent} event
 * @returns {void}
 */
export function onMessage(event) {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
}

/** @returns {void} */
export function setupLifecycle() {
  // Only matters on first install: later workers activate after a reload anyway.
  clientsClaim();
}
