/**
 * The in-app scanner, for phones whose camera app does not open links: the
 * back camera in a viewfinder, read a few times a second until a route
 * plaque's code appears, then the site opens (#/site/…), or an event's code,
 * then its check-in (#/checkin/…). Owns the camera
 * stream while the screen is shown and stops it on leaving.
 */
import { useRef, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { href } from '../../app/router.js';
import { t } from '../../lib/i18n.js';
import { siteFromScan } from '../../lib/site-link.js';
import { checkinFromScan } from '../../lib/checkin-link.js';
import { useQrCamera, cameraProblem } from './camera.js';

/**
 * @param {{route: {packId?: string}}} props
 * @returns {import('preact').VNode}
 */
export default function ScanScreen({ route }) {
  const video = useRef(/** @type {HTMLVideoElement | null} */ (null));
  // `foreign`: a code that is neither a plaque nor an event's check-in.
  const [foreign, setForeign] = useState(false);
  const { state, reader } = useQrCamera(video, (text) => {
    const site = siteFromScan(text, location.origin);
    if (site) {
      location.hash = href('site', site.packId, site.siteId);
      return true;
    }
    const checkin = checkinFromScan(text, location.origin);
    if (checkin) {
      location.hash = href('checkin', checkin);
      return true;
    }
    setForeign(true);
    return false;
  });
  const problem = cameraProblem(state);
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
