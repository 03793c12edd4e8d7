/**
 * A hook for screens that show the active learner's data (home, my learning):
 * it re-reads whenever the changes feed, the outbox or the active profile
 * changes. Owns nothing.
 */
import { useEffect } from 'preact/hooks';
import { onFeedChange } from '../lib/transport/feed.js';
import { onOutboxChange } from '../lib/outbox/queue.js';

/**
 * Call `load` now and whenever the feed, the outbox or the active profile changes.
 * @param {() => void} load
 */
export function useLearnerData(load) {
  useEffect(() => {
    load();
    const offFeed = onFeedChange(load);
    const offOutbox = onOutboxChange(load);
    // Profiles (lib/profiles.js) announce a switch with this event.
    window.addEventListener('xuedian:profile', load);
    return () => {
      offFeed();
      offOutbox();
      window.removeEventListener('xuedian:profile', load);
    };
  }, []);
}
