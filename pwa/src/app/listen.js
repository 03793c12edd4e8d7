/**
 * Listening for people who read little: whether the phone has a voice for the
 * app's language, speaking a text with it, and the header's "听" button that
 * reads the current screen's main text (a quiz's question and its answers
 * included). Owns only whether it is speaking; shown only where a voice exists.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { t, getLang, onLangChange } from '../lib/i18n.js';

/** The browser's speech synthesis, where there is one. */
export const synth = () => (typeof window !== 'undefined' && window.speechSynthesis) || null;

/**
 * A voice that speaks `lang`, or null: many phones sold in China have none for
 * Mandarin in the browser, and speak() then stays silent.
 * @param {string} lang
 * @returns {SpeechSynthesisVoice | null}
 */
export function voiceFor(lang) {
  const s = synth();
  if (!s) return null;
  const want = lang === 'zh-CN' ? /^(zh|cmn)/i : /^en/i;
  return s.getVoices().find((v) => want.test(v.lang)) || null;
}

/**
 * The voice for the app's language, updated when the voices load (they arrive
 * late on Chrome) or the language changes.
 * @returns {SpeechSynthesisVoice | null}
 */
export function useVoice() {
  const [voice, setVoice] = useState(() => voiceFor(getLang()));
  useEffect(() => {
    const update = () => setVoice(voiceFor(getLang()));
    const s = synth();
    s?.addEventListener?.('voiceschanged', update);
    const off = onLangChange(update);
    update();
    return () => {
      s?.removeEventListener?.('voiceschanged', update);
      off();
    };
  }, []);
  return voice;
}

/**
 * Speak `text` with `voice`; `done` runs when it ends or fails.
 * @param {string} text
 * @param {SpeechSynthesisVoice} voice
 * @param {() => void} done
 */
export function speak(text, voice, done) {
  const s = /** @type {SpeechSynthesis} */ (synth());
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang;
  utterance.rate = 0.9;
  utterance.onend = done;
  utterance.onerror = done;
  s.cancel();
  s.speak(utterance);
}

/** The text a screen shows, without its buttons' own "听" and hidden helpers. */
function screenText() {
  const main = document.querySelector('main');
  return (main?.innerText || '').trim();
}

/**
 * The header's "听" button: reads the screen, or stops.
 * @param {{route: {name: string}}} props
 * @returns {import('preact').VNode | null}
 */
export function ListenButton({ route }) {
  const voice = useVoice();
  const [speaking, setSpeaking] = useState(false);
  useEffect(() => {
    synth()?.cancel();
    setSpeaking(false);
  }, [route.name]);
  if (!voice) return null;
  const toggle = () => {
    if (speaking) {
      synth()?.cancel();
      setSpeaking(false);
      return;
    }
    setSpeaking(true);
    speak(screenText(), voice, () => setSpeaking(false));
  };
  return html`
    <button type="button" class="btn btn-secondary listen" data-testid="listen" aria-pressed=${speaking ? 'true' : 'false'}
      aria-label=${speaking ? t('listen.stop') : t('listen.label')} onClick=${toggle}>
      ${speaking ? t('listen.stopShort') : t('listen.short')}
    </button>`;
}
