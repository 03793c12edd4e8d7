/**
 * "I want to learn…" (route `#/request`): a topic of up to 200 characters and
 * an optional category, kept offline as an `asked` record in the outbox
 * (lib/outbox.js) and synced like any other, so the county sees demand. Owns
 * `meta.topic_requests`, this phone's list of what each profile asked
 * ({id: record id, learner, topic, category?, created}): the record itself
 * leaves the outbox once the county has it, the list stays.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { afterRecord } from '../../app/sync.js';
import { recordEvent, onOutboxChange } from '../../lib/outbox/queue.js';
import { withTx, req } from '../../lib/storage/db.js';
import { onProfileChange } from '../../lib/learner/profiles.js';
import { cutText } from '../../lib/records/storable.js';
import { errorCode } from '../../lib/errors.js';
import { t, errorText } from '../../lib/i18n.js';

export const VERB_ASKED = 'http://adlnet.gov/expapi/verbs/asked';
export const TOPIC_MAX = 200;
/** The county's pack categories (server/xuedian/packs/schemas.py CATEGORIES). */
const CATEGORIES = ['farming', 'health', 'digital-skills', 'local', 'heritage'];
const KEPT = 100;

/** Remember what was asked, in this phone's list. */
function remember(record) {
  return withTx(['meta'], 'readwrite', async (tx) => {
    const meta = tx.objectStore('meta');
    const list = (await req(meta.get('topic_requests'))) || [];
    const entry = { id: record.id, learner: record.learner, topic: record.object.topic, created: record.timestamp };
    if (record.object.category) entry.category = record.object.category;
    meta.put([entry, ...list].slice(0, KEPT), 'topic_requests');
  });
}

/** The active learner's requests, newest first, each marked sent once it left the outbox. */
function myRequests() {
  return withTx(['meta', 'outbox'], 'readonly', async (tx) => {
    const meta = tx.objectStore('meta');
    const learner = await req(meta.get('active_learner'));
    const list = ((await req(meta.get('topic_requests'))) || []).filter((r) => r.learner === learner);
    const waiting = new Set(((await req(tx.objectStore('outbox').getAllKeys())) || []));
    return list.map((r) => ({ ...r, sent: !waiting.has(r.id) }));
  });
}

/** @returns {import('preact').VNode} */
export default function RequestScreen() {
  const [topic, setTopic] = useState('');
  const [category, setCategory] = useState('');
  const [mine, setMine] = useState(/** @type {any[]} */ ([]));
  const [note, setNote] = useState(false);
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const load = () => myRequests().then(setMine).catch(() => {});
  useEffect(() => {
    load();
    const offOutbox = onOutboxChange(load);
    const offProfile = onProfileChange(load);
    return () => {
      offOutbox();
      offProfile();
    };
  }, []);

  const submit = async (e) => {
    e.preventDefault();
    setNote(false);
    const text = topic.trim();
    if (!text) {
      setError(t('request.empty'));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      // Cut by code units without splitting a pair: half an emoji is a lone surrogate.
      const object = { topic: cutText(text, TOPIC_MAX), ...(category ? { category } : {}) };
      const record = await recordEvent({ verb: VERB_ASKED, object });
      await remember(record).catch(() => {});
      setTopic('');
      setCategory('');
      setNote(true);
      await load();
      afterRecord();
    } catch (err) {
      setError(errorText(errorCode(err)));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <h2>${t('request.title')}</h2>
    <p class="muted">${t('request.intro')}</p>
    <form class="stack" onSubmit=${submit} data-testid="request-form">
      <label class="field" for="request-topic">${t('request.topic')}</label>
      <textarea id="request-topic" class="input" rows="4" maxlength=${TOPIC_MAX} data-testid="request-topic"
        aria-describedby="request-count" value=${topic} onInput=${(e) => setTopic(e.currentTarget.value)}></textarea>
      <p id="request-count" class="muted" data-testid="request-count" aria-live="polite">
        ${t('request.counter').replace('{n}', String(topic.length))}</p>
      <label class="field" for="request-category">${t('request.category')}</label>
      <select id="request-category" class="input" data-testid="request-category" value=${category}
        onChange=${(e) => setCategory(e.currentTarget.value)}>
        <option value="">${t('request.catNone')}</option>
        ${CATEGORIES.map((c) => html`<option key=${c} value=${c}>${t(`request.cat.${c}`)}</option>`)}
      </select>
      ${error && html`<p class="error" role="alert" data-testid="request-error">${error}</p>`}
      ${note && html`<p class="ok" role="status" data-testid="request-saved">${t('request.sent')}</p>`}
      <button type="submit" class="btn btn-big" data-testid="request-send" disabled=${busy}>${t('request.send')}</button>
    </form>
    ${mine.length > 0 && html`
      <section aria-labelledby="mine-title">
        <h3 id="mine-title">${t('request.mine')}</h3>
        <ul class="cards" data-testid="request-list">
          ${mine.map((r) => html`
            <li key=${r.id} class="card" data-testid="request-item" data-sent=${r.sent ? 'true' : 'false'}>
              <p>${r.topic}</p>
              <p class="meta">${r.category ? `${t(`request.cat.${r.category}`)} · ` : ''}${r.sent ? t('request.delivered') : t('request.waiting')}</p>
            </li>`)}
        </ul>
      </section>`}`;
}
