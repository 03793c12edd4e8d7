/**
 * The bottom navigation bar: Home, Catalog, My learning, More (settings).
 * Owns which item counts as current for a route, and whether the bar is
 * docked. Large targets (≥ 56 px), an icon and a text label each,
 * `aria-current="page"` on the active item.
 *
 * Docked (class `nav-docked` on <html>) at every text size: the page above
 * the bar (`.page`) is the scroll container, so the bar never covers a control
 * (a floating bar would, which is an obscured target) and never scrolls away.
 * From 150 % text <html> also has `text-large`: the header collapses to the
 * back button and the title, and controls stack (app.css).
 */
import { useEffect } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../lib/i18n.js';
import { useSettings } from './external.js';

/** Icon paths on a 24×24 grid, drawn with a stroke. */
const ICONS = {
  home: 'M3 11 12 3l9 8M5 10v10h5v-6h4v6h5V10',
  catalog: 'M4 5h16M4 12h16M4 19h16',
  learning: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
};

const ITEMS = [
  { id: 'home', href: '#/', label: 'nav.home' },
  { id: 'catalog', href: '#/catalog', label: 'nav.catalog' },
  { id: 'learning', href: '#/learning', label: 'nav.learning' },
  { id: 'more', href: '#/settings', label: 'nav.more' },
];

/**
 * Which nav item a route belongs to; screens reached from "More" light it up.
 * @param {string} name route name
 * @returns {string | null}
 */
export function navItemFor(name) {
  if (name === 'home') return 'home';
  if (['catalog', 'pack', 'lesson', 'quiz'].includes(name)) return 'catalog';
  if (name === 'learning') return 'learning';
  if (['settings', 'profiles', 'inbox', 'request', 'import', 'sync', 'credits', 'verify', 'redeem'].includes(name)) return 'more';
  return null;
}

/**
 * @param {{route: {name: string, packId?: string, lessonId?: string}}} props
 * @returns {import('preact').VNode}
 */
export function BottomNav({ route }) {
  const scale = useSettings().textScale;
  const large = scale >= 1.5;
  useEffect(() => {
    document.documentElement.classList.add('nav-docked');
    document.documentElement.classList.toggle('text-large', large);
  }, [large]);
  // The shell scrolls the window to the top on a new screen; docked, the page scrolls instead.
  useEffect(() => {
    document.querySelector('.page')?.scrollTo?.(0, 0);
  }, [route.name, route.packId, route.lessonId]);
  const current = navItemFor(route.name);
  return html`
    <nav class="bottom-nav" aria-label=${t('nav.label')}
      data-testid="bottom-nav">
      <ul>
        ${ITEMS.map((item) => html`
          <li key=${item.id}>
            <a href=${item.href} data-testid=${`nav-${item.id}`}
              aria-current=${current === item.id ? 'page' : undefined}>
              <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                <path d=${ICONS[item.id]} fill="none" stroke="currentColor" stroke-width="2.5"
                  stroke-linecap="round" stroke-linejoin="round" />
              </svg>
              <span>${t(item.label)}</span>
            </a>
          </li>`)}
      </ul>
    </nav>`;
}
