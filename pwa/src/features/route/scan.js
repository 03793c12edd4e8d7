/**
 * The in-app scanner, for phones whose camera app does not open links: the
 * back camera in a viewfinder, read a few times a second until a route
 * plaque's code appears, then the site opens (#/site/…), or an event's code,
 * then its check-in (#/checkin/…). Owns the camera
 * stream while the screen is shown and stops it on leaving.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { t } from '../../lib/i18n.js';
import { siteFromScan } from '../../lib/site-link.js';
import { checkinFromScan } from '../../lib/checkin-link.js';
import { chooseReader } from './detector.js';

const EVERY_MS = 300;

/**
 * @param {{route: {packId?: string}}} props
 * @returns {import('preact').VNode}
 */
export default function ScanScreen({ route }) {
  const video = useRef(/** @type {HTMLVideoElement | null} */ (null));
  // 'starting' | 'scanning' | 'no-camera' | 'denied' | 'failed'; `foreign`: a code that is no plaque.
  const [state, setState] = useState('starting');
  const [reader, setReader] = useState('');
  const [foreign, setForeign] = useState(false);
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
          const site = text ? siteFromScan(text, location.origin) : null;
          if (site && live) {
            stop();
            location.hash = href('site', site.packId, site.siteId);
            return;
          }
          const checkin = text ? checkinFromScan(text, location.origin) : null;
          if (checkin && live) {
            stop();
            location.hash = href('checkin', checkin);
            return;
          }
          if (text && live) setForeign(true);
        }
        timer = window.setTimeout(tick, EVERY_MS);
      };
      tick();
    })();
    return stop;
  }, []);
  const problem = { 'no-camera': 'scan.noCamera', denied: 'scan.denied', failed: 'scan.failed' }[state];
  return html`
    <h2>${t('scan.title')}</h2>
    <p>${t('scan.hint')}</p>
    <div class="scan-view" data-testid="scan-view" data-state=${state} data-reader=${reader}>
      <video ref=${video} muted playsinline aria-label=${t('scan.camera')}></video>
    </div>
    ${problem && html`<p class="error" role="alert" data-testid="scan-problem">${t(problem)}</p>`}
    ${foreign && !problem && html`<p class="meta" role="status" data-testid="scan-foreign">${t('scan.foreign')}</p>`}
    ${route.packId && html`<a class="btn btn-secondary" href=${href('route', route.packId)}>${t('scan.back')}</a>`}`;
}
