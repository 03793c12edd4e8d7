/**
 * Media while an agreed update waits. Owns the list of <audio>/<video> elements this page
 * has let go of, and the `xuedian-update` BroadcastChannel that tells the app's other tabs
 * that the person agreed to an update.
 *
 * Why: a narration player (<audio preload=metadata>) keeps a range request open, deferred,
 * for as long as its page shows it. The old service worker answered that request, and
 * Chromium activates a new worker only once the old one has nothing in flight (or after
 * five minutes). So when an update is accepted, every tab pauses its media and unloads
 * the source, which ends the request; a tab that does not reload (it never agreed) gets its
 * sources back, at the same spot, once the new worker has taken over.
 */

/** @type {Map<HTMLMediaElement, {src: string, time: number, playing: boolean}>} */
const released = new Map();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('xuedian-update') : null;

/** Pause every media element with a source and unload it, remembering where it was. */
export function releaseMedia() {
  document.querySelectorAll('audio[src], video[src]').forEach((node) => {
    const el = /** @type {HTMLMediaElement} */ (node);
    released.set(el, { src: el.getAttribute('src') || '', time: el.currentTime, playing: !el.paused && !el.ended });
    el.pause();
    el.removeAttribute('src');
    el.load();
  });
  document.documentElement.dataset.mediaReleased = String(released.size);
}

/** Give released elements their sources back; one that was playing plays on. */
export function restoreMedia() {
  for (const [el, was] of released) {
    // Gone from the page, or given a new source since (another lesson): nothing to restore.
    if (!el.isConnected || el.getAttribute('src')) continue;
    el.setAttribute('src', was.src);
    el.currentTime = was.time;
    if (was.playing) el.play().catch(() => {});
  }
  released.clear();
  delete document.documentElement.dataset.mediaReleased;
}

/** This tab agreed to the update: release its media and tell the other tabs to. */
export function announceUpdateAccepted() {
  releaseMedia();
  channel?.postMessage({ type: 'update-accepted' });
}

/** Release this tab's media when another tab agrees to an update. */
export function listenForAcceptedUpdates() {
  if (!channel) return;
  channel.onmessage = async (event) => {
    if (!event.data || event.data.type !== 'update-accepted') return;
    // Already taken over (the message came late): nothing is waiting on this tab's media.
    const reg = await navigator.serviceWorker.getRegistration();
    if (reg && reg.waiting) releaseMedia();
  };
}
