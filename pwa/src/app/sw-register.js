/**
 * Service-worker registration and the update handshake. Owns whether the user
 * has agreed to an update: a new worker waits until they press the button, so
 * the page never reloads in the middle of a lesson.
 */

import { announceUpdateAccepted, listenForAcceptedUpdates, restoreMedia } from './media-release.js';

let userAgreed = false;

/**
 * Register /sw.js and report a waiting update.
 * @param {(reg: ServiceWorkerRegistration) => void} onUpdateReady
 */
export async function registerServiceWorker(onUpdateReady) {
  if (!('serviceWorker' in navigator)) return;
  listenForAcceptedUpdates();
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The first install also changes controller (clients.claim); only reload when asked.
    if (userAgreed) window.location.reload();
    // Another tab agreed: the media this tab let go of for the new worker comes back.
    else restoreMedia();
  });
  try {
    const reg = await navigator.serviceWorker.register('/sw.js', { updateViaCache: 'none' });
    if (reg.waiting && navigator.serviceWorker.controller) onUpdateReady(reg);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state !== 'installed' || !navigator.serviceWorker.controller) return;
        // Agreed already: a version published since the press replaces the one agreed to.
        if (userAgreed) worker.postMessage({ type: 'SKIP_WAITING' });
        else onUpdateReady(reg);
      });
    });
  } catch {
    // No worker (plain HTTP, or blocked): the app still runs online.
  }
}

/**
 * Activate the waiting worker; the page reloads when it takes control.
 * @param {ServiceWorkerRegistration} reg
 */
export function applyUpdate(reg) {
  userAgreed = true;
  // Media streaming through the old worker (here or in another tab) would keep the new one
  // waiting; every tab lets go of it first (app/media-release.js).
  announceUpdateAccepted();
  const ask = () => reg.waiting?.postMessage({ type: 'SKIP_WAITING' });
  ask();
  // A waiting worker that was stopped may miss the first message while it starts; asking
  // again is harmless (skipWaiting is idempotent) until the page reloads into it.
  setInterval(ask, 5_000);
}
