/**
 * State kept outside Preact (the sync state of app/status.js, the settings of
 * lib/settings.js) as hooks. Owns nothing.
 *
 * A screen reads the state when it renders and subscribes in an effect, which runs
 * only after the screen is painted: later still on a slow phone. A change in between
 * (a sync that ends while the sync screen is being drawn) would be missed, and the
 * screen would show "正在同步…" until the next change, minutes later. So the effect
 * reads the state again as it subscribes.
 */
import { useEffect, useState } from 'preact/hooks';
import { getSyncState, subscribeSync } from './status.js';
import { getSettings, onSettingsChange } from '../lib/settings.js';

/**
 * The current value of `read()`, kept current by `subscribe`.
 * @template T
 * @param {() => T} read
 * @param {(fn: () => void) => () => void} subscribe returns its unsubscribe
 * @returns {T}
 */
export function useExternal(read, subscribe) {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const update = () => setValue(read);
    const stop = subscribe(update);
    update(); // what changed between the render and this effect
    return stop;
  }, []);
  return value;
}

/** @returns {import('./status.js').SyncState} */
export const useSyncState = () => useExternal(getSyncState, subscribeSync);

/** @returns {ReturnType<typeof getSettings>} */
export const useSettings = () => useExternal(getSettings, onSettingsChange);
