// The header every page shares: brand, navigation (current page marked), a count of unhealthy sources on the
// Sources link (read once, then kept current by the live connection's SourceHealthChanged), the account (name and
// role, the pages the role may use, an unread-alerts count on the Alerts link, sign out; or a Sign in link), and the
// connection state.
import { h } from './dom.js';
import { getJson } from './api.js';
import { currentAccount, hasRole, signOut, signInHref } from './account.js';

export const PAGES = [
  ['live', 'index.html', 'Live'],
  ['briefing', 'briefing.html', 'Briefing'],
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

  const accountBar = h('div', 'account-bar');
  accountBar.id = 'account-bar';

  inner.append(brand, nav, accountBar, connection);
  header.replaceChildren(inner);
  renderAccount(current, list, accountBar);
  return connection;
}

// The pages an account adds to the navigation, with the least role that may use them.
export const ACCOUNT_PAGES = [
  ['alerts', 'alerts.html', 'Alerts', 'viewer'],
  ['subscriptions', 'subscriptions.html', 'Subscriptions', 'analyst'],
  ['users', 'users.html', 'Users', 'admin'],
  ['errors', 'errors.html', 'Error queues', 'admin'],
];

let unreadBadge = null;
let unreadCount = 0;
let signedIn = false;
const countedAlerts = new Set();
let recountTimer = 0;

async function renderAccount(current, list, bar) {
  let account;
  try {
    account = await currentAccount();
  } catch (error) {
    console.warn('Monitor: could not read the account for the header', error);
    loadSourceHealth();
    return;
  }
  bar.dataset.authenticated = String(account.authenticated);
  // Source health is for whoever may read: a signed-in user, or anyone where anonymous reading is on.
  if (account.authenticated || account.anonymousRead === true) loadSourceHealth();
  if (!account.authenticated) {
    signedIn = false;
    if (current !== 'signin') {
      const signIn = h('a', 'header-link', 'Sign in');
      signIn.id = 'sign-in-link';
      signIn.setAttribute('href', signInHref());
      bar.replaceChildren(signIn);
    }
    return;
  }
  signedIn = true;
  for (const [id, href, label, role] of ACCOUNT_PAGES) {
    if (!hasRole(account, role)) continue;
    const a = h('a', 'site-nav-link', label);
    a.setAttribute('href', href);
    a.dataset.page = id;
    if (id === current) a.setAttribute('aria-current', 'page');
    if (id === 'alerts') {
      unreadBadge = h('span', 'nav-badge nav-badge-count');
      unreadBadge.id = 'unread-count';
      unreadBadge.hidden = true;
      const words = h('span', 'visually-hidden unread-words', ' unread');
      words.hidden = true;
      a.append(' ', unreadBadge, words);
    }
    const item = h('li');
    item.append(a);
    list.append(item);
  }

  const who = h('p', 'account-who');
  who.append(h('span', 'visually-hidden', 'Signed in as '), h('span', 'account-name', account.userName ?? ''), ' ');
  const role = h('span', `role-badge role-${account.role}`, account.role);
  role.setAttribute('title', `Role: ${account.role}`);
  who.append(role);
  const accountLink = h('a', 'header-link', 'Account');
  accountLink.id = 'account-link';
  accountLink.setAttribute('href', 'account.html');
  if (current === 'account') accountLink.setAttribute('aria-current', 'page');
  const out = h('button', 'button button-header', 'Sign out');
  out.type = 'button';
  out.id = 'sign-out';
  out.addEventListener('click', async () => {
    out.disabled = true;
    try {
      const after = await signOut();
      location.assign(new URL(after.anonymousRead ? 'index.html' : 'signin.html', document.baseURI).href);
    } catch (error) {
      out.disabled = false;
      console.error('Monitor: sign-out failed', error);
      out.textContent = 'Sign out (failed: retry)';
    }
  });
  bar.replaceChildren(who, accountLink, out);
  renderUnread();
  loadUnreadCount();
}

function renderUnread() {
  if (!unreadBadge) return;
  unreadBadge.textContent = String(unreadCount);
  unreadBadge.dataset.count = String(unreadCount);
  unreadBadge.hidden = unreadCount === 0;
  unreadBadge.nextElementSibling.hidden = unreadCount === 0;
}

/** Sets the unread-alerts count on the Alerts link (hidden at 0). */
export function setUnreadCount(count) {
  unreadCount = Math.max(0, Number.isSafeInteger(count) ? count : 0);
  renderUnread();
}

/** Adds delta to the unread count (the inbox marks alerts read). */
export function changeUnreadCount(delta) {
  setUnreadCount(unreadCount + delta);
}

/** Reads GET api/alerts/unread-count (signed in only): at page load and after every reconnect. */
export function loadUnreadCount() {
  if (!signedIn) return Promise.resolve();
  return getJson('api/alerts/unread-count')
    .then((answer) => setUnreadCount(Number(answer?.count)))
    .catch((error) => console.warn('Monitor: could not read the unread-alerts count', error));
}

/**
 * An AlertTriggered push (sent only to its owner's connections): counted once per alert id at once, then the count is
 * read again shortly after, so a push racing the first read cannot leave it off by one.
 */
export function noteAlertTriggered(raw) {
  if (!signedIn || !raw || typeof raw !== 'object') return;
  const id = Number(raw.alertId);
  if (Number.isSafeInteger(id)) {
    if (countedAlerts.has(id)) return;
    countedAlerts.add(id);
  }
  changeUnreadCount(1);
  clearTimeout(recountTimer);
  recountTimer = setTimeout(loadUnreadCount, 3000);
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
