// The header every page shares: brand, navigation (current page marked), a count of unhealthy sources on the
// Sources link (read once, then kept current by the live connection's SourceHealthChanged), and the connection state.
import { h } from './dom.js';
import { getJson } from './api.js';

export const PAGES = [
  ['live', 'index.html', 'Live'],
  ['topics', 'topics.html', 'Topics'],
  ['charts', 'charts.html', 'Charts'],
  ['history', 'history.html', 'History'],
  ['sources', 'sources.html', 'Sources'],
];

/**
 * Fills <header id="site-header"> and returns the connection-state element (data-state: connecting, live,
 * reconnecting, disconnected) for pages that hold a live connection.
 */
export function renderHeader(current) {
  const header = document.getElementById('site-header');
  header.className = 'site-header';
  const inner = h('div', 'site-header-inner');

  const brand = h('div', 'brand');
  const name = h('a', 'brand-name', 'Monitor');
  name.setAttribute('href', 'index.html');
  brand.append(name, h('p', 'brand-tagline', 'NATO and European Parliament statements, as they are published'));

  const nav = h('nav', 'site-nav');
  nav.setAttribute('aria-label', 'Main');
  const list = h('ul', 'site-nav-list');
  for (const [id, href, label] of PAGES) {
    const a = h('a', 'site-nav-link', label);
    a.setAttribute('href', href);
    if (id === current) a.setAttribute('aria-current', 'page');
    if (id === 'sources') {
      sourcesBadge = h('span', 'nav-badge');
      sourcesBadge.hidden = true;
      a.append(' ', sourcesBadge);
    }
    const item = h('li');
    item.append(a);
    list.append(item);
  }
  nav.append(list);

  const connection = h('p', 'connection-state');
  connection.id = 'connection-state';
  connection.setAttribute('role', 'status');
  connection.dataset.state = 'connecting';
  const dot = h('span', 'connection-dot');
  dot.setAttribute('aria-hidden', 'true');
  connection.append(dot, h('span', 'visually-hidden', 'Live updates: '), h('span', 'connection-label', 'Connecting…'));

  inner.append(brand, nav, connection);
  header.replaceChildren(inner);
  loadSourceHealth();
  return connection;
}

// sourceId -> { health, enabled }: what the Sources link's badge counts.
const sourceHealth = new Map();
let sourcesBadge = null;

/** Records a source's health (from GET api/sources or a SourceHealthChanged push) and updates the badge. */
export function noteSourceHealth(sourceId, health, enabled) {
  if (typeof sourceId !== 'string') return;
  const previous = sourceHealth.get(sourceId);
  sourceHealth.set(sourceId, { health: String(health ?? 'Unknown'), enabled: enabled ?? previous?.enabled ?? true });
  renderSourcesBadge();
}

function renderSourcesBadge() {
  if (!sourcesBadge) return;
  const unhealthy = [...sourceHealth.values()].filter((s) => s.enabled && (s.health === 'Failing' || s.health === 'Degraded')).length;
  sourcesBadge.textContent = unhealthy === 1 ? '1 unhealthy' : `${unhealthy} unhealthy`;
  sourcesBadge.hidden = unhealthy === 0;
}

/** Reads every source's health once for the badge; a failure leaves the badge hidden (the Sources page says more). */
export function loadSourceHealth() {
  return getJson('api/sources')
    .then((list) => {
      if (Array.isArray(list)) for (const source of list) noteSourceHealth(source?.id, source?.health, source?.enabled);
    })
    .catch((error) => console.warn('Monitor: could not read source health for the header', error));
}
