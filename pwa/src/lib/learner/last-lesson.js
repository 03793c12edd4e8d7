/**
 * "Continue where I stopped". Owns IndexedDB `meta.last_lesson`:
 * `{[learner]: {pack, lesson, at}}`, the last lesson each profile opened, so a
 * family phone continues each resident's own lesson.
 */
import { withTx } from '../storage/db.js';
import { activeLearner } from '../outbox/queue.js';

/**
 * Remember that the active learner opened a lesson.
 * @param {string} pack
 * @param {string} lesson
 * @returns {Promise<void>}
 */
export async function rememberLesson(pack, lesson) {
  const learner = await activeLearner();
  await withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const all = { ...((await meta.get('last_lesson')) || {}) };
    all[learner] = { pack, lesson, at: new Date().toISOString() };
    await meta.put(all, 'last_lesson');
  });
}

/**
 * The lesson the active learner opened last, or null.
 * @returns {Promise<{pack: string, lesson: string, at: string} | null>}
 */
export function lastLesson() {
  return withTx(['meta'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = await meta.get('active_learner');
    const all = await meta.get('last_lesson');
    return (learner && all?.[learner]) || null;
  });
}
