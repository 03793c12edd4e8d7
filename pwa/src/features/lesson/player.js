/**
 * The narration player: large controls for play/pause, back and forward 10 s,
 * a seek slider and the speed (0.75×, 1×, 1.25×, 1.5×). Owns the player's
 * view state (playing, time, duration, speed) around one <audio> element
 * (test id `lesson-audio`), which has no native controls of its own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { t } from '../../lib/i18n.js';
import { tf } from '../../lib/format.js';

export const SPEEDS = [0.75, 1, 1.25, 1.5];
const STEP = 10;

function clock(s) {
  if (!Number.isFinite(s) || s < 0) return '0:00';
  const whole = Math.floor(s);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * The share (0 to 1) of an audio element's duration that has been played, from its
 * `played` ranges, so seeking past a part does not count it as heard.
 * @param {HTMLMediaElement} el
 * @param {number} [fallback] the duration when the element does not know it yet
 * @returns {number}
 */
export function playedShare(el, fallback = 0) {
  const total = Number.isFinite(el.duration) && el.duration > 0 ? el.duration : fallback;
  if (!total) return 0;
  let heard = 0;
  for (let i = 0; i < el.played.length; i += 1) heard += el.played.end(i) - el.played.start(i);
  return Math.min(1, Math.round((heard / total) * 100) / 100);
}

/**
 * @param {{src: string, seconds?: number, onListened?: (share: number) => void}} props
 *   `onListened` gets the share of the narration played so far, as it grows
 * @returns {import('preact').VNode}
 */
export function NarrationPlayer({ src, seconds, onListened }) {
  const audio = useRef(/** @type {HTMLAudioElement | null} */ (null));
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(seconds || 0);
  const [speed, setSpeed] = useState(1);

  useEffect(() => {
    const el = audio.current;
    if (!el) return undefined;
    const sync = () => {
      setTime(el.currentTime);
      if (Number.isFinite(el.duration) && el.duration > 0) setDuration(el.duration);
      setPlaying(!el.paused && !el.ended);
      if (onListened) onListened(playedShare(el, seconds));
    };
    const events = ['timeupdate', 'durationchange', 'loadedmetadata', 'play', 'pause', 'ended', 'seeked'];
    events.forEach((e) => el.addEventListener(e, sync));
    return () => events.forEach((e) => el.removeEventListener(e, sync));
  }, [src, onListened]);
  // The browser resets playbackRate when a new source loads; keep the chosen speed.
  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed, src]);

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) el.play().catch(() => setPlaying(false));
    else el.pause();
  };
  const seek = (to) => {
    const el = audio.current;
    if (!el) return;
    const end = Number.isFinite(el.duration) ? el.duration : duration;
    el.currentTime = Math.max(0, Math.min(end || 0, to));
    setTime(el.currentTime);
  };
  const max = Math.max(1, Math.round(duration));
  return html`
    <div class="player">
      <audio preload="metadata" src=${src} ref=${audio} aria-labelledby="lesson-audio-label"
        data-testid="lesson-audio" onRateChange=${(e) => setSpeed(e.currentTarget.playbackRate)}></audio>
      <div class="player-row">
        <button type="button" class="btn player-btn" data-testid="audio-back" aria-label=${t('audio.back')}
          onClick=${() => seek(time - STEP)}>−10</button>
        <button type="button" class="btn player-btn player-play" data-testid="audio-play"
          aria-label=${playing ? t('audio.pause') : t('audio.play')} data-playing=${playing ? 'true' : 'false'}
          onClick=${toggle}>${playing ? '❚❚' : '▶'}</button>
        <button type="button" class="btn player-btn" data-testid="audio-forward" aria-label=${t('audio.forward')}
          onClick=${() => seek(time + STEP)}>+10</button>
      </div>
      <label class="player-seek">
        <span class="sr-only">${t('audio.seek')}</span>
        <input type="range" min="0" max=${max} step="1" value=${Math.min(max, Math.round(time))}
          data-testid="audio-seek" aria-valuetext=${`${clock(time)} / ${clock(duration)}`}
          onInput=${(e) => seek(Number(e.currentTarget.value))} />
      </label>
      <p class="player-time" aria-hidden="true" data-testid="audio-time">${clock(time)} / ${clock(duration)}</p>
      <div class="player-speed" role="group" aria-label=${t('audio.speed')}>
        <span aria-hidden="true">${t('audio.speed')}</span>
        ${SPEEDS.map((s) => html`
          <button type="button" key=${s} class="btn btn-secondary speed" data-testid=${`audio-speed-${s}`}
            aria-pressed=${speed === s ? 'true' : 'false'} aria-label=${tf('audio.speedLabel', { n: s })}
            onClick=${() => setSpeed(s)}>${s}×</button>`)}
      </div>
    </div>`;
}
