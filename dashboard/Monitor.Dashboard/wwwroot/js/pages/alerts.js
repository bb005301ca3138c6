// The alerts inbox (alerts.html): the signed-in user's alerts, newest first (GET api/alerts, keyset "Load more" by
// `before`), read state per alert (POST api/alerts/{id}/read, api/alerts/read-all), and new alerts at the top as the
// live connection pushes them (AlertTriggered reaches only the owner's connections). After every (re)connect the
// newest page is read again, so alerts raised while the connection was down are there too.
//
// Alert text (titles, subscription names) reaches the DOM only through js/lib/dom.js.
import { h, asText, link, pageLink, setStatus } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader, setUnreadCount, changeUnreadCount, loadUnreadCount } from '../lib/layout.js';
import { requireAccount, hasRole } from '../lib/account.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { parseDate, timeElement, startClock } from '../lib/time.js';
import { createLive } from '../lib/live.js';

const PAGE_SIZE = 50;

const ui = {
  list: document.getElementById('inbox'),
  status: document.getElementById('inbox-status'),
  empty: document.getElementById('inbox-empty'),
  summary: document.getElementById('inbox-summary'),
  unreadOnly: document.getElementById('unread-only'),
  markAll: document.getElementById('mark-all-read'),
  more: document.getElementById('load-more'),
};

const state = {
  entries: new Map(), // alert id -> { alert, element }
  oldestId: null,
  loadRun: 0,
  account: null,
};

const live = createLive({ stateElement: renderHeader('alerts'), onAlert: receivePush, onCaughtUp: refreshNewest });

// ---------------------------------------------------------------------------------------------
// Alerts as the page holds them

function normalizeAlert(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const id = Number(raw.id ?? raw.alertId);
  if (!Number.isSafeInteger(id)) return null;
  const statementId = Number(raw.statementId);
  return {
    id,
    subscriptionId: Number(raw.subscriptionId),
    subscriptionName: asText(raw.subscriptionName),
    kind: raw.kind === 'spike' || raw.kind === 'briefing' || raw.kind === 'event' ? raw.kind : 'statement',
    statementId: raw.statementId !== null && raw.statementId !== undefined && Number.isSafeInteger(statementId) ? statementId : null,
    topicId: typeof raw.topicId === 'string' ? raw.topicId : null,
    title: asText(raw.title),
    url: asText(raw.url),
    matchedTopics: Array.isArray(raw.matchedTopics) ? raw.matchedTopics.filter((t) => typeof t === 'string') : [],
    detail: parseDetail(raw.detail),
    triggeredAt: parseDate(raw.triggeredAt),
    readAt: parseDate(raw.readAt),
  };
}

/** A spike's counts: the API may give them as an object or as the stored JSON text. */
function parseDetail(value) {
  if (value && typeof value === 'object') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    try {
      const parsed = JSON.parse(value);
      return parsed && typeof parsed === 'object' ? parsed : { detail: value };
    } catch {
      return { detail: value };
    }
  }
  return null;
}

const DETAIL_LABELS = {
  count: 'statements in the window',
  usualPerWindow: 'usual for such a window',
  windowHours: 'window (hours)',
  factor: 'alert above (times the usual)',
  statements: 'statements cited',
  nato: 'NATO statements',
  ep: 'European Parliament statements',
  institutions: 'institutions',
  members: 'statements in the event',
  firstDay: 'first day',
  lastDay: 'latest day',
};

// A briefing's detail also carries its period and its Markdown: the link opens the period's page instead.
// An event's id is in its link.
const HIDDEN_DETAIL = new Set(['topicId', 'from', 'to', 'markdown', 'eventId']);

function formatValue(value) {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en') : value.toLocaleString('en', { maximumFractionDigits: 2 });
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

/** A spike's topic and counts (the Alerts worker's detail: count, usualPerWindow, windowHours, factor). */
function renderDetail(alert) {
  const list = h('dl', 'alert-detail');
  if (alert.topicId) {
    list.append(h('dt', null, 'topic'), h('dd', null, topicTitle(alert.topicId)));
  }
  for (const [key, value] of Object.entries(alert.detail ?? {})) {
    if (value === null || value === undefined || HIDDEN_DETAIL.has(key)) continue;
    list.append(h('dt', null, DETAIL_LABELS[key] ?? key), h('dd', null, formatValue(value)));
  }
  return list;
}

function titleLink(alert) {
  // A spike's stored title names the topic by id; the page names it by title (the counts are in the detail).
  const text = alert.kind === 'spike' && alert.topicId ? `Spike in ${topicTitle(alert.topicId)}` : alert.title.trim() || '(untitled statement)';
  if (alert.statementId !== null) return pageLink('statement.html', { id: alert.statementId }, text, 'alert-link');
  if (alert.kind === 'spike' && alert.topicId) return pageLink('topic.html', { id: alert.topicId }, text, 'alert-link');
  if (alert.kind === 'briefing') {
    // The stored link may be absolute (Alerts:DashboardUrl) or a path; the page here is this dashboard's.
    const query = new URL(alert.url || 'briefing.html', document.baseURI).searchParams;
    return pageLink('briefing.html', { from: query.get('from'), to: query.get('to') }, text, 'alert-link');
  }
  if (alert.kind === 'event') {
    // Likewise: the event page here, by the id in the stored link (or in the detail).
    const id = new URL(alert.url || 'event.html', document.baseURI).searchParams.get('id') ?? alert.detail?.eventId;
    if (id !== null && id !== undefined && /^\d+$/.test(String(id))) return pageLink('event.html', { id: String(id) }, text, 'alert-link');
  }
  return link(alert.url, text, 'alert-link');
}

function renderAlert(alert) {
  const item = h('li', 'alert inbox-item');
  item.dataset.alertId = String(alert.id);
  item.dataset.unread = String(alert.readAt === null);
  item.dataset.kind = alert.kind;

  const meta = h('p', 'alert-meta');
  const unread = h('span', 'badge badge-unread', 'Unread');
  meta.append(unread);
  if (alert.kind === 'spike') meta.append(h('span', 'badge badge-spike', 'Spike'));
  if (alert.kind === 'briefing') meta.append(h('span', 'badge', 'Briefing'));
  if (alert.kind === 'event') meta.append(h('span', 'badge', 'Event'));
  const subscription = h('span', 'alert-subscription', alert.subscriptionName || `subscription ${alert.subscriptionId}`);
  subscription.setAttribute('title', 'Subscription');
  meta.append(subscription);
  if (alert.triggeredAt) meta.append(timeElement(alert.triggeredAt));

  const heading = h('h2', 'alert-heading');
  heading.append(titleLink(alert));
  item.append(meta, heading);

  if (alert.kind === 'spike' || alert.kind === 'briefing' || alert.kind === 'event') item.append(renderDetail(alert));

  if (alert.matchedTopics.length > 0) {
    const chips = h('ul', 'chips');
    chips.setAttribute('aria-label', 'Matched topics');
    for (const topicId of alert.matchedTopics) {
      const chip = h('li', 'chip chip-plain', topicTitle(topicId));
      chip.dataset.topicId = topicId;
      chips.append(chip);
    }
    item.append(chips);
  }

  const actions = h('div', 'alert-actions');
  const markRead = h('button', 'button-small mark-read', 'Mark read');
  markRead.type = 'button';
  markRead.setAttribute('aria-label', `Mark read: “${alert.title.trim() || 'alert'}”`);
  markRead.addEventListener('click', () => markOneRead(alert.id));
  actions.append(markRead);
  item.append(actions);
  applyReadState(item, alert);
  return item;
}

function applyReadState(item, alert) {
  const unread = alert.readAt === null;
  item.dataset.unread = String(unread);
  item.querySelector('.badge-unread').hidden = !unread;
  item.querySelector('.mark-read').hidden = !unread;
}

/** Adds an alert in its place (newest id first) or updates the one held; true when it was new to the page. */
function upsert(alert, { fresh = false } = {}) {
  const existing = state.entries.get(alert.id);
  if (existing) {
    // A read state learnt here (a click) wins over an older unread copy.
    const merged = { ...existing.alert, ...alert, readAt: alert.readAt ?? existing.alert.readAt, detail: alert.detail ?? existing.alert.detail };
    existing.alert = merged;
    applyReadState(existing.element, merged);
    return false;
  }
  const element = renderAlert(alert);
  let before = null;
  for (const child of ui.list.children) {
    if (Number(child.dataset.alertId) < alert.id) {
      before = child;
      break;
    }
  }
  ui.list.insertBefore(element, before);
  state.entries.set(alert.id, { alert, element });
  if (state.oldestId === null || alert.id < state.oldestId) state.oldestId = alert.id;
  if (fresh) {
    element.classList.add('is-new');
    element.addEventListener('animationend', () => element.classList.remove('is-new'), { once: true });
  }
  return true;
}

function updateSummary() {
  const total = state.entries.size;
  const unread = [...state.entries.values()].filter((e) => e.alert.readAt === null).length;
  ui.summary.textContent = total === 0 ? '' : `${total} shown, ${unread} unread`;
  const busy = !ui.status.hidden;
  ui.empty.hidden = total !== 0 || busy;
  if (total === 0) {
    ui.empty.replaceChildren(ui.unreadOnly.checked
      ? 'No unread alerts.'
      : 'No alerts yet. When a statement matches one of your subscriptions, it appears here at once.');
    if (!ui.unreadOnly.checked && hasRole(state.account, 'analyst')) {
      ui.empty.append(' ', pageLink('subscriptions.html', {}, 'Manage your subscriptions'));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Data

function query(before) {
  return { limit: PAGE_SIZE, unread: ui.unreadOnly.checked ? 'true' : '', before };
}

/** Reads the inbox from the top (at start and when the filter changes). */
async function loadFirst() {
  const run = ++state.loadRun;
  for (const { element } of state.entries.values()) element.remove();
  state.entries.clear();
  state.oldestId = null;
  ui.more.hidden = true;
  setStatus(ui.status, 'Loading alerts…');
  ui.list.setAttribute('aria-busy', 'true');
  try {
    const page = await getJson('api/alerts', query());
    if (run !== state.loadRun) return;
    absorb(page);
    setStatus(ui.status, '');
  } catch (error) {
    if (run !== state.loadRun) return;
    setStatus(ui.status, `Could not load your alerts: ${error.message}`, true);
  } finally {
    if (run === state.loadRun) {
      ui.list.setAttribute('aria-busy', 'false');
      updateSummary();
    }
  }
}

function absorb(page) {
  if (!Array.isArray(page)) throw new Error('GET api/alerts did not answer a JSON array');
  for (const raw of page) {
    const alert = normalizeAlert(raw);
    if (alert) upsert(alert);
  }
  ui.more.hidden = page.length < PAGE_SIZE;
}

async function loadMore() {
  if (state.oldestId === null) return;
  ui.more.disabled = true;
  const run = state.loadRun;
  try {
    const page = await getJson('api/alerts', query(state.oldestId));
    if (run !== state.loadRun) return;
    absorb(page);
    setStatus(ui.status, '');
  } catch (error) {
    setStatus(ui.status, `Could not load more alerts: ${error.message}`, true);
  } finally {
    ui.more.disabled = false;
    updateSummary();
  }
}

/** After each (re)connect: the newest page again, merged (alerts raised while away, read states changed elsewhere). */
async function refreshNewest() {
  if (state.account === null) return;
  const run = state.loadRun;
  try {
    const page = await getJson('api/alerts', query());
    if (run !== state.loadRun || !Array.isArray(page)) return;
    for (const raw of page) {
      const alert = normalizeAlert(raw);
      if (alert) upsert(alert, { fresh: true });
    }
    if (state.entries.size >= PAGE_SIZE && ui.more.hidden && page.length >= PAGE_SIZE) ui.more.hidden = false;
    updateSummary();
  } catch (error) {
    console.warn('Monitor: could not refresh the inbox after reconnecting', error);
  }
}

/** An AlertTriggered push: at the top at once; a spike's or a briefing's counts come from GET api/alerts/{id}. */
function receivePush(raw) {
  const alert = normalizeAlert(raw);
  if (!alert || state.account === null) return;
  if (upsert(alert, { fresh: true })) {
    updateSummary();
    if (alert.kind === 'spike' || alert.kind === 'briefing' || alert.kind === 'event') {
      getJson(`api/alerts/${alert.id}`)
        .then((full) => {
          const detailed = normalizeAlert(full);
          const entry = state.entries.get(alert.id);
          if (!detailed || !entry) return;
          const element = renderAlert({ ...detailed, readAt: entry.alert.readAt ?? detailed.readAt });
          entry.element.replaceWith(element);
          entry.element = element;
          entry.alert = detailed;
        })
        .catch((error) => console.warn('Monitor: could not read a spike alert', error));
    }
  }
}

async function markOneRead(id) {
  const entry = state.entries.get(id);
  if (!entry || entry.alert.readAt !== null) return;
  const button = entry.element.querySelector('.mark-read');
  button.disabled = true;
  try {
    await send('POST', `api/alerts/${id}/read`);
    entry.alert = { ...entry.alert, readAt: new Date() };
    applyReadState(entry.element, entry.alert);
    changeUnreadCount(-1);
    setStatus(ui.status, '');
    entry.element.querySelector('.alert-link')?.focus(); // the button it had is gone
  } catch (error) {
    setStatus(ui.status, `Could not mark the alert read: ${error.message}`, true);
  } finally {
    button.disabled = false;
    updateSummary();
  }
}

async function markAllRead() {
  ui.markAll.disabled = true;
  try {
    await send('POST', 'api/alerts/read-all');
    const now = new Date();
    for (const entry of state.entries.values()) {
      if (entry.alert.readAt === null) {
        entry.alert = { ...entry.alert, readAt: now };
        applyReadState(entry.element, entry.alert);
      }
    }
    setUnreadCount(0);
    loadUnreadCount(); // one raised since is unread again
    setStatus(ui.status, '');
  } catch (error) {
    setStatus(ui.status, `Could not mark all alerts read: ${error.message}`, true);
  } finally {
    ui.markAll.disabled = false;
    updateSummary();
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function main() {
  state.account = await requireAccount();
  if (!state.account) return;
  startClock();
  document.getElementById('inbox-controls').addEventListener('submit', (event) => event.preventDefault());
  ui.unreadOnly.addEventListener('change', loadFirst);
  ui.markAll.addEventListener('click', markAllRead);
  ui.more.addEventListener('click', loadMore);
  await loadTopics(); // chips show titles
  await loadFirst();
  live.start();
}

main();
