/**
 * A "something changed" signal, heard in this realm and, through a
 * BroadcastChannel, in the app's other tabs and its service worker. Owns no
 * data: the outbox, the changes feed and the learning point each keep one.
 */

/**
 * @typedef {object} ChangeSignal
 * @property {() => void} notify tell every listener, here and in the other realms
 * @property {(fn: () => void) => () => void} listen call `fn` on every change; returns unsubscribe
 */

/**
 * Make the signal for one kind of change.
 * @param {string} name the BroadcastChannel's name
 * @param {string} type the `type` of the message posted to the other realms
 * @returns {ChangeSignal}
 */
export function changeSignal(name, type) {
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  if (channel) channel.onmessage = () => listeners.forEach((fn) => fn());
  return {
    notify() {
      listeners.forEach((fn) => fn());
      channel?.postMessage({ type });
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
