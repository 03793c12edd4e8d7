/**
 * "Read this page" on the lesson screen, where the resident turned read-aloud
 * on (lib/settings.js) and the phone has speechSynthesis; hidden otherwise.
 * Owns only whether it is speaking: it reads the title and the lesson text
 * out in the app's language and stops when the lesson is left.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { getSettings, onSettingsChange } from '../../lib/settings.js';
import { t, getLang } from '../../lib/i18n.js';

/**
 * @param {{contentRef: {current: HTMLElement | null}, title: string}} props
 * @returns {import('preact').VNode | null}
 */
export function ReadAloud({ contentRef, title }) {
  const [on, setOn] = useState(getSettings().readAloud);
  const [speaking, setSpeaking] = useState(false);
  const synth = typeof window.speechSynthesis !== 'undefined' ? window.speechSynthesis : null;
  useEffect(() => onSettingsChange((s) => setOn(s.readAloud)), []);
  useEffect(() => () => synth?.cancel(), []);
  if (!synth || !on) return null;
  const toggle = () => {
    if (speaking) {
      synth.cancel();
      setSpeaking(false);
      return;
    }
    const text = `${title}\n${contentRef.current?.innerText || ''}`;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = getLang();
    utterance.rate = 0.9;
    utterance.onend = () => setSpeaking(false);
    utterance.onerror = () => setSpeaking(false);
    synth.cancel();
    synth.speak(utterance);
    setSpeaking(true);
  };
  return html`
    <p><button type="button" class="btn btn-secondary" data-testid="read-aloud" aria-pressed=${speaking ? 'true' : 'false'}
      onClick=${toggle}>${speaking ? t('settings.stopReading') : t('settings.readPage')}</button></p>`;
}
