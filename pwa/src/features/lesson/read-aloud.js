/**
 * "Read this page" on the lesson screen, where the resident turned read-aloud
 * on (lib/settings.js). Owns whether it is speaking and what it last told the
 * resident: it reads the title and the lesson text with the phone's voice for
 * the app's language; on a phone without one it plays the lesson's narration
 * instead and says so, and says plainly when there is neither.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { useVoice, speak, synth } from '../../app/listen.js';
import { useSettings } from '../../app/external.js';
import { t } from '../../lib/i18n.js';

/**
 * @param {{contentRef: {current: HTMLElement | null}, title: string, narration: boolean}} props
 *   `narration`: the lesson has recorded or synthesised audio (the player's `lesson-audio`)
 * @returns {import('preact').VNode | null}
 */
export function ReadAloud({ contentRef, title, narration }) {
  const on = useSettings().readAloud;
  const [speaking, setSpeaking] = useState(false);
  const [note, setNote] = useState(/** @type {string | null} */ (null));
  const voice = useVoice();
  useEffect(() => () => synth()?.cancel(), []);
  if (!on) return null;
  const toggle = () => {
    if (speaking) {
      synth()?.cancel();
      setSpeaking(false);
      return;
    }
    if (voice) {
      setNote(null);
      setSpeaking(true);
      speak(`${title}\n${contentRef.current?.innerText || ''}`, voice, () => setSpeaking(false));
      return;
    }
    const audio = /** @type {HTMLAudioElement | null} */ (document.querySelector('[data-testid=lesson-audio]'));
    if (narration && audio) {
      audio.play().catch(() => {});
      setNote(t('readAloud.narration'));
      return;
    }
    setNote(t('readAloud.none'));
  };
  return html`
    <p><button type="button" class="btn btn-secondary" data-testid="read-aloud" aria-pressed=${speaking ? 'true' : 'false'}
      onClick=${toggle}>${speaking ? t('settings.stopReading') : t('settings.readPage')}</button></p>
    ${note && html`<p class="warn" role="status" data-testid="read-aloud-note">${note}</p>`}`;
}
