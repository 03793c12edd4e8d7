/**
 * What comes next in a pack, for people who do not navigate: the lesson after
 * this one, or the first one still unfinished. Owns nothing; it reads a
 * manifest's lesson order and the set of lessons completed.
 */

/**
 * The next unfinished lesson after `afterId` in the pack's order, wrapping to the
 * start; null when every lesson is done. Without `afterId`, the first unfinished.
 * @param {{lessons: {id: string}[]}} manifest
 * @param {Set<string> | undefined} done lesson ids completed
 * @param {string} [afterId]
 * @returns {any | null} the manifest lesson
 */
export function nextUnfinished(manifest, done, afterId) {
  const lessons = manifest.lessons || [];
  const start = afterId ? lessons.findIndex((l) => l.id === afterId) + 1 : 0;
  for (let i = 0; i < lessons.length; i += 1) {
    const lesson = lessons[(start + i) % lessons.length];
    if (lesson.id !== afterId && !done?.has(lesson.id)) return lesson;
  }
  return null;
}

/**
 * The lesson right after `id` in the pack's order, done or not, or null at the end.
 * @param {{lessons: {id: string}[]}} manifest
 * @param {string} id
 * @returns {any | null}
 */
export function lessonAfter(manifest, id) {
  const lessons = manifest.lessons || [];
  const i = lessons.findIndex((l) => l.id === id);
  return i >= 0 && i + 1 < lessons.length ? lessons[i + 1] : null;
}
