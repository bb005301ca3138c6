// The header every page shares: brand, navigation (current page marked) and the live connection state.
import { h } from './dom.js';

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
  return connection;
}
