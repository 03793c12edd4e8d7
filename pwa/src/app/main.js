/**
 * The app shell: header, update banner, sync status and the current screen.
 * Owns the current route and the waiting service-worker registration; every
 * screen is a feature module fetched with import() on first use.
 */
import './app.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { parseRoute, parentOf, screens } from './router.js';
import { SyncStatus } from './sync-status.js';
import { BottomNav } from './nav.js';
import { startSync } from './sync.js';
import { registerServiceWorker, applyUpdate } from './sw-register.js';
import { t, getLang, setLang, onLangChange, errorText, langReady } from '../lib/i18n.js';
import { applySettings } from '../lib/settings.js';
import { readEnrolLink, askToEnrol } from '../lib/transport/enrolment.js';
import { ensureRegistered } from '../lib/transport/device.js';
import { siteFromSearch } from '../lib/site-link.js';
import { checkinFromSearch } from '../lib/checkin-link.js';
import { ProfileChip } from './profile-chip.js';
import { ListenButton } from './listen.js';

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    // A hash change before this effect ran (right after load) would otherwise be missed.
    onHash();
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

/**
 * Resolves once the first screen has rendered (or failed to load): the service worker's
 * precache waits for it, so on a slow link the first screen's code does not share the
 * line with the whole app's.
 */
let firstScreenShown = () => {};
const firstScreen = new Promise((resolve) => {
  firstScreenShown = resolve;
});

function Screen({ route }) {
  const [mod, setMod] = useState(/** @type {any} */ (null));
  const [failed, setFailed] = useState(false);
  const shown = failed || (mod && mod.name === route.name);
  useEffect(() => {
    if (shown) firstScreenShown();
  }, [shown]);
  useEffect(() => {
    let live = true;
    setFailed(false);
    screens[route.name]()
      .then((m) => live && setMod({ name: route.name, Component: m.default }))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [route.name]);
  if (failed) return html`<p class="error" role="alert">${errorText('network-offline')}</p>`;
  if (!mod || mod.name !== route.name) return html`<p class="muted">${t('lesson.loading')}</p>`;
  return html`<${mod.Component} route=${route} />`;
}

/** Routes where an update must not even be offered: the learner is reading or answering. */
const BUSY_ROUTES = /^#\/(lesson|quiz)\//;

function UpdateBanner({ reg }) {
  // Shown again once the learner leaves the lesson or quiz (App re-renders on hashchange).
  const held = Boolean(reg) && BUSY_ROUTES.test(location.hash);
  // <html data-update-offer="none|held|shown">: what the last render decided, for tests to
  // wait on rather than sleep before they check that no banner appeared.
  useEffect(() => {
    document.documentElement.dataset.updateOffer = !reg ? 'none' : held ? 'held' : 'shown';
  });
  if (!reg || held) return null;
  return html`
    <div class="banner" role="region" aria-label=${t('update.apply')} data-testid="update-banner">
      <p>${t('update.ready')}</p>
      <button type="button" class="btn" data-testid="update-app" onClick=${() => applyUpdate(reg)}>
        ${t('update.apply')}
      </button>
    </div>`;
}

/** In-app browsers (WeChat, QQ, Weibo, DingTalk, Alipay, Douyin): their notice is fetched only there. */
const IN_APP = /MicroMessenger|\bQQ\/|MQQBrowser|Weibo|DingTalk|AlipayClient|AliApp|aweme|Bytedance|ByteLocale/i;

function useInAppNotice() {
  const [Notice, setNotice] = useState(/** @type {any} */ (null));
  useEffect(() => {
    if (IN_APP.test(navigator.userAgent)) import('./inapp.js').then((m) => setNotice(() => m.default)).catch(() => {});
  }, []);
  return Notice;
}

function App() {
  const route = useRoute();
  const InAppNotice = useInAppNotice();
  const [, setLangTick] = useState(0);
  const [updateReg, setUpdateReg] = useState(/** @type {ServiceWorkerRegistration | null} */ (null));
  const mainRef = useRef(/** @type {HTMLElement | null} */ (null));
  useEffect(() => onLangChange(() => setLangTick((n) => n + 1)), []);
  useEffect(() => {
    // After the first screen has painted (a frame, then a task), not before.
    firstScreen.then(() => requestAnimationFrame(() => setTimeout(() => registerServiceWorker(setUpdateReg), 0)));
    startSync();
    // Course updates that may download by themselves (data saver permitting), after start-up.
    setTimeout(() => import('../lib/packs/auto-update.js').then((m) => m.startAutoUpdate()).catch(() => {}), 2000);
  }, []);
  useEffect(() => {
    // Screen readers and keyboards start at the new screen, not the old scroll spot.
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route.name, route.packId, route.lessonId]);
  const other = getLang() === 'zh-CN' ? 'en' : 'zh-CN';
  // The tab and the home-screen switcher name the app in its language.
  document.title = t('app.name');
  const back = parentOf(route);
  // At large text (html.text-large, app/nav.js) the header is the back button, the
  // title and the sync icon; the profile and the language are in "More".
  return html`
    <div class="page">
    <header class="top">
      ${back && html`<a class="btn btn-secondary top-back" href=${back} data-testid="top-back">${t('nav.back')}</a>`}
      <a class="brand" href="#/">${t('app.name')}</a>
      <${ProfileChip} />
      <${ListenButton} route=${route} />
      <button type="button" class="btn btn-secondary lang" lang=${other} data-testid="lang-toggle"
        aria-label=${`${t('lang.toggle')} · ${t('lang.toggleLabel')}`} onClick=${() => setLang(other)}>${t('lang.toggle')}</button>
      <${SyncStatus} here=${route.name === 'sync'} />
    </header>
    <${UpdateBanner} reg=${updateReg} />
    ${InAppNotice && html`<${InAppNotice} />`}
    <main id="main" tabindex="-1" ref=${mainRef}>
      <${Screen} route=${route} />
    </main>
    </div>
    <${BottomNav} route=${route} />`;
}

document.documentElement.lang = getLang();
applySettings();
/**
 * A learning point's QR address (`?point=CODE&t=TOKEN`) enrols the phone at
 * once: it registers now, before any learning record. The query then leaves
 * the address bar, so a reload cannot undo a later change of point.
 */
async function enrolFrom(search) {
  const link = readEnrolLink(search);
  if (new URLSearchParams(search).has('point')) history.replaceState(null, '', location.pathname + location.hash);
  if (!link) return;
  await askToEnrol(link);
  await ensureRegistered();
}
// A route plaque's address (`/?site=<pack>/<site>`) becomes the site's screen; the query
// leaves the address bar so a reload or "back" does not open the site again.
const plaque = siteFromSearch(location.search);
if (plaque) history.replaceState(null, '', `${location.pathname}#/site/${plaque.packId}/${plaque.siteId}`);
// An event's check-in address (`/?checkin=<token>`) becomes the check-in screen, the same way.
const checkin = checkinFromSearch(location.search);
if (checkin) history.replaceState(null, '', `${location.pathname}#/checkin/${checkin}`);
enrolFrom(location.search).catch(() => {
  // Offline or refused for now: the claim waits in the outbox heartbeat and the next sync.
});
const root = /** @type {HTMLElement} */ (document.getElementById('app'));
// English is fetched first where the phone starts in it; zh-CN is here already.
langReady.then(() => {
  // Drop the static "opening…" text; render() would otherwise keep it beside the app.
  root.textContent = '';
  render(html`<${App} />`, root);
});
