/**
 * The back camera, read for QR codes a few times a second while a screen is shown: the
 * route scanner (scan.js) and the certificate check (features/credits/check.js) both use
 * it. Owns the camera stream from the screen's first draw until it leaves, or until the
 * screen takes a code; a new `round` opens the camera again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { chooseReader } from './detector.js';

const EVERY_MS = 300;

/**
 * @param {{current: HTMLVideoElement | null}} video the viewfinder
 * @param {(text: string) => boolean} onText called with each code read; true takes it
 *   (the camera stops), false reads on
 * @param {number} [round]
 * @returns {{state: 'starting' | 'scanning' | 'taken' | 'no-camera' | 'denied' | 'failed', reader: string}}
 */
export function useQrCamera(video, onText, round = 0) {
  const [state, setState] = useState(/** @type {any} */ ('starting'));
  const [reader, setReader] = useState('');
  const take = useRef(onText);
  take.current = onText;
  useEffect(() => {
    let live = true;
    /** @type {MediaStream | null} */
    let stream = null;
    let timer = 0;
    const canvas = document.createElement('canvas');
    const stop = () => {
      live = false;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
    setState('starting');
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) return setState('no-camera');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (err) {
        return live && setState(/** @type {any} */ (err)?.name === 'NotAllowedError' ? 'denied' : 'no-camera');
      }
      if (!live) return stop();
      const el = /** @type {HTMLVideoElement} */ (video.current);
      el.srcObject = stream;
      await el.play().catch(() => {});
      let picked;
      try {
        picked = await chooseReader();
      } catch {
        return live && setState('failed');
      }
      if (!live) return;
      setReader(picked.kind);
      setState('scanning');
      const tick = async () => {
        if (!live) return;
        if (el.videoWidth > 0) {
          canvas.width = el.videoWidth;
          canvas.height = el.videoHeight;
          /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true })).drawImage(el, 0, 0);
          const text = await picked.read(canvas).catch(() => null);
          if (text && live && take.current(text)) {
            stop();
            setState('taken');
            return;
          }
        }
        timer = window.setTimeout(tick, EVERY_MS);
      };
      tick();
    })();
    return stop;
  }, [round]);
  return { state, reader };
}

/** The words key of a camera problem, if any. */
export function cameraProblem(state) {
  return { 'no-camera': 'scan.noCamera', denied: 'scan.denied', failed: 'scan.failed' }[state];
}
