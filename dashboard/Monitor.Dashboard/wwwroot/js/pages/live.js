// The live view (index.html): a snapshot of the newest statements for the chosen topic and source, kept current over
// the shared live connection (js/lib/live.js), with pause/resume and the sources and alerts side panel.
//
// Feed text reaches the DOM only through js/lib/dom.js (textContent, setAttribute, safe links).
import { h, asText, link, setStatus, clear } from '../lib/dom.js';
import { get, getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { renderStatement, normalizeEvent } from '../lib/statements.js';
import { renderEventChip, nextEvent, caughtUpEvent } from '../lib/event-chip.js';
import { parseDate, timeElement, startClock } from '../lib/time.js';
import { createLive, createStatementList } from '../lib/live.js';
import { currentAccount } from '../lib/account.js';
import { createTriage, createHelpDialog, installListKeys } from '../lib/triage.js';

const SNAPSHOT_LIMIT = 50;
// The list keeps the newest statements only, so a page left open for days stays light.
const MAX_STATEMENTS = 200;
const MAX_WAITING = 1000;
const MAX_ALERTS = 50;
const RETRY_LOAD_MS = 15000;
const HEALTH_VALUES = ['Unknown', 'Healthy', 'Degraded', 'Failing'];

const ui = {
  statements: document.getElementById('statements'),
  status: document.getElementById('statements-status'),
  empty: document.getElementById('statements-empty'),
  count: document.getElementById('statements-count'),
  topic: document.getElementById('filter-topic'),
  source: document.getElementById('filter-source'),
  pause: document.getElementById('pause'),
  pausedCount: document.getElementById('paused-count'),
  sources: document.getElementById('side-sources'),
  sourcesStatus: document.getElementById('sources-status'),
  alerts: document.getElementById('alerts'),
  alertsEmpty: document.getElementById('alerts-empty'),
};

const state = {
  waiting: new Map(), // while paused: statementId -> statement, in arrival order
  paused: false,
  filter: { topic: '', source: '' },
  sources: new Map(), // sourceId -> { source, element }
  alertIds: new Set(),
  unseen: 0,
  baseTitle: document.title,
  loadRun: 0,
};

const live = createLive({
  stateElement: renderHeader('live'),
  onStatement: receiveStatement,
  onHealth: receiveHealth,
  onAlert: receiveAlert,
  onGrouped: receiveGrouped,
  onHeld: receiveHeld,
});

// ---------------------------------------------------------------------------------------------
// Filters (kept in the URL: index.html?topic=…&source=…)

function readFilterFromUrl() {
  const query = new URLSearchParams(location.search);
  state.filter = { topic: query.get('topic') ?? '', source: query.get('source') ?? '' };
}

function writeFilterToUrl() {
  const query = new URLSearchParams(location.search);
  for (const key of ['topic', 'source']) {
    if (state.filter[key]) query.set(key, state.filter[key]);
    else query.delete(key);
  }
  const search = query.toString();
  history.replaceState(null, '', search ? `?${search}` : location.pathname);
}

function matches(statement) {
  if (state.filter.source && statement.sourceId !== state.filter.source) return false;
  if (state.filter.topic && !statement.topics.some((t) => t.topicId === state.filter.topic)) return false;
  return true;
}

/** Adds an option per value; keeps a selected value that the list does not (yet) have, so the URL is honoured. */
function fillSelect(select, values, selected) {
  const first = select.options[0];
  clear(select).append(first);
  let found = selected === '';
  for (const [value, text] of values) {
    const option = h('option', null, text);
    option.value = value;
    select.append(option);
    if (value === selected) found = true;
  }
  if (!found) {
    const option = h('option', null, `${selected} (unknown)`);
    option.value = selected;
    select.append(option);
  }
  select.value = selected;
}

function onFilterChange() {
  state.filter = { topic: ui.topic.value, source: ui.source.value };
  writeFilterToUrl();
  for (const [id, statement] of state.waiting) if (!matches(statement)) state.waiting.delete(id);
  updatePaused();
  list.clear();
  loadSnapshot();
}

// ---------------------------------------------------------------------------------------------
// Statements

function sourceName(sourceId) {
  return state.sources.get(sourceId)?.source.name;
}

const list = createStatementList(ui.statements, { max: MAX_STATEMENTS, render: renderLiveStatement });
// Triage (read, star, labels: lib/triage.js); no marks until the account is known.
let triage = createTriage({ enabled: false });

/** A statement card with its event chip (hidden until the statement is in an event) above its Details link. */
function renderLiveStatement(statement) {
  const item = renderStatement(statement, { sourceName });
  item.insertBefore(renderEventChip(statement.event), item.querySelector('.statement-details'));
  return triage.decorate(item, statement.statementId);
}

function updateSummary() {
  const count = list.size;
  ui.empty.hidden = count !== 0 || !ui.status.hidden;
  ui.empty.textContent = state.filter.topic || state.filter.source
    ? 'No statements match these filters yet. Matching statements appear here as soon as they are stored.'
    : 'No statements yet. New statements appear here as soon as they are stored.';
  ui.count.textContent = count === 1 ? '1 statement shown' : `${count} statements shown`;
}

function receiveStatement(statement) {
  if (!matches(statement)) return;
  // A new revision keeps its statement's event until the clustering places it again (a StatementsGrouped push follows).
  if (!statement.event) {
    for (const shown of list.shown()) {
      if (shown.statement.statementId === statement.statementId) statement.event = shown.statement.event;
    }
  }
  if (state.paused) {
    state.waiting.delete(statement.statementId);
    state.waiting.set(statement.statementId, statement);
    if (state.waiting.size > MAX_WAITING) state.waiting.delete(state.waiting.keys().next().value);
    updatePaused();
    return;
  }
  if (list.upsert(statement, { fresh: true })) {
    updateSummary();
    if (document.hidden) {
      state.unseen += 1;
      document.title = `(${state.unseen}) ${state.baseTitle}`;
    }
  }
}

/**
 * StatementsGrouped: statements shown (or waiting while paused) were put in events. Their chips appear or change in
 * place, and so do the chips of other shown statements in the same events (their counts grew) or in events merged
 * into them (they move to the kept event).
 */
function receiveGrouped(raw) {
  if (!raw || !Array.isArray(raw.statements)) return;
  const events = new Map();
  const mergedInto = new Map();
  for (const rawEvent of Array.isArray(raw.events) ? raw.events : []) {
    const event = normalizeEvent(rawEvent);
    if (!event) continue;
    events.set(event.eventId, event);
    for (const merged of Array.isArray(rawEvent.merged) ? rawEvent.merged : []) mergedInto.set(Number(merged), event.eventId);
  }
  const placed = new Map();
  for (const item of raw.statements) {
    const event = events.get(Number(item?.eventId));
    if (event) placed.set(Number(item.statementId), { ...event, newEvent: item.newEvent === true });
  }
  const push = { placed, events, mergedInto };
  for (const statement of state.waiting.values()) {
    statement.event = nextEvent(statement.statementId, statement.event, push) ?? statement.event;
  }
  for (const { statement, element } of list.shown()) {
    const next = nextEvent(statement.statementId, statement.event, push);
    if (!next) continue;
    statement.event = next;
    element.querySelector('.event-line')?.replaceWith(renderEventChip(next));
  }
}

/** A shown (or waiting) statement seen again in a catch-up: its chip catches up when its event push was lost. */
function receiveHeld(statement) {
  const waiting = state.waiting.get(statement.statementId);
  if (waiting) waiting.event = caughtUpEvent(waiting.event, statement.event) ?? waiting.event;
  for (const { statement: shown, element } of list.shown()) {
    if (shown.statementId !== statement.statementId) continue;
    const next = caughtUpEvent(shown.event, statement.event);
    if (!next) continue;
    shown.event = next;
    element.querySelector('.event-line')?.replaceWith(renderEventChip(next));
  }
}

let retryTimer = 0;

/** Loads the newest statements for the current filters; the live connection starts after the first one. */
async function loadSnapshot() {
  clearTimeout(retryTimer);
  const run = ++state.loadRun;
  setStatus(ui.status, 'Loading statements…');
  ui.statements.setAttribute('aria-busy', 'true');
  try {
    const { body, headers } = await get('api/statements', {
      limit: SNAPSHOT_LIMIT, topics: state.filter.topic, sources: state.filter.source,
    });
    if (run !== state.loadRun) return;
    // Merged, not replaced: a statement pushed while this request ran stays.
    live.absorbSnapshot(body, headers, list);
    setStatus(ui.status, '');
  } catch (error) {
    if (run !== state.loadRun) return;
    console.error('Monitor: could not load statements', error);
    setStatus(ui.status, `Could not load statements (${error.message}). Retrying in ${RETRY_LOAD_MS / 1000} s…`, true);
    retryTimer = setTimeout(loadSnapshot, RETRY_LOAD_MS);
  } finally {
    if (run === state.loadRun) {
      ui.statements.setAttribute('aria-busy', 'false');
      updateSummary();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pause and resume

function updatePaused() {
  ui.pause.setAttribute('aria-pressed', String(state.paused));
  ui.pause.textContent = state.paused ? 'Resume' : 'Pause';
  const n = state.waiting.size;
  ui.pausedCount.textContent = state.paused
    ? (n === 0 ? 'Paused: no new statements yet' : `Paused: ${n} new ${n === 1 ? 'statement' : 'statements'} waiting`)
    : '';
  ui.pausedCount.dataset.count = String(n);
  ui.pausedCount.hidden = !state.paused;
}

function togglePause() {
  state.paused = !state.paused;
  if (!state.paused) {
    const waiting = [...state.waiting.values()];
    state.waiting.clear();
    for (const statement of waiting) if (matches(statement)) list.upsert(statement, { fresh: true });
    updateSummary();
  }
  updatePaused();
}

// ---------------------------------------------------------------------------------------------
// Sources (side panel)

function normalizeHealth(value) {
  return HEALTH_VALUES.includes(value) ? value : 'Unknown';
}

function renderSource(source) {
  const item = h('li', 'source');
  const health = normalizeHealth(source.health);
  item.dataset.sourceId = source.id;
  item.dataset.health = health;
  const head = h('div', 'source-head');
  head.append(link(source.url, source.name || source.id, 'source-name'), h('span', `health health-${health.toLowerCase()}`, health));
  item.append(head);
  const detail = h('p', 'source-detail');
  detail.append(h('span', 'source-id', source.id));
  const lastSuccess = parseDate(source.lastSuccessAt);
  detail.append(' · ', lastSuccess ? timeElement(lastSuccess, 'last success ') : h('span', null, 'no success yet'));
  if (source.quiet) detail.append(' · ', h('span', 'source-quiet', 'quiet'));
  if (source.enabled === false) detail.append(' · ', h('span', 'source-disabled', 'paused'));
  item.append(detail);
  const error = asText(source.lastError).trim();
  if (error !== '' && health !== 'Healthy') {
    const message = h('p', 'source-error', error);
    message.setAttribute('title', error);
    item.append(message);
  }
  return item;
}

function upsertSource(source) {
  const existing = state.sources.get(source.id);
  const element = renderSource(source);
  if (existing) existing.element.replaceWith(element);
  else ui.sources.append(element);
  state.sources.set(source.id, { source, element });
}

async function loadSources() {
  try {
    const list = await getJson('api/sources');
    if (!Array.isArray(list)) throw new Error('GET api/sources did not answer a JSON array');
    for (const raw of list) {
      if (!raw || typeof raw.id !== 'string') continue;
      upsertSource({
        id: raw.id, name: asText(raw.name), url: asText(raw.url), health: raw.health, lastError: raw.lastError ?? null,
        lastSuccessAt: raw.lastSuccessAt ?? null, enabled: raw.enabled, quiet: raw.quiet === true,
      });
    }
    setStatus(ui.sourcesStatus, state.sources.size === 0 ? 'No sources configured.' : '');
    fillSelect(ui.source, [...state.sources.values()].map(({ source }) => [source.id, source.name || source.id])
      .sort((a, b) => a[1].localeCompare(b[1])), state.filter.source);
  } catch (error) {
    console.error('Monitor: could not load sources', error);
    setStatus(ui.sourcesStatus, `Could not load sources (${error.message}).`, true);
    fillSelect(ui.source, [], state.filter.source);
  }
}

function receiveHealth(raw) {
  if (!raw || typeof raw.sourceId !== 'string') return;
  const previous = state.sources.get(raw.sourceId)?.source ?? { id: raw.sourceId, name: raw.sourceId, url: '' };
  upsertSource({
    ...previous,
    health: raw.health,
    lastError: raw.lastError ?? null,
    lastSuccessAt: raw.lastSuccessAt ?? previous.lastSuccessAt ?? null,
    quiet: raw.quiet === true,
  });
  setStatus(ui.sourcesStatus, '');
}

// ---------------------------------------------------------------------------------------------
// Alerts

function receiveAlert(raw) {
  if (!raw || typeof raw !== 'object') return;
  const alertId = asText(raw.alertId);
  if (alertId !== '' && state.alertIds.has(alertId)) return;
  if (alertId !== '') state.alertIds.add(alertId);
  const item = h('li', 'alert');
  item.dataset.alertId = alertId;
  item.dataset.statementId = asText(raw.statementId);
  const meta = h('p', 'alert-meta');
  meta.append(h('span', 'alert-rule', asText(raw.subscriptionName) || 'alert'));
  const triggered = parseDate(raw.triggeredAt);
  if (triggered) meta.append(' · ', timeElement(triggered));
  item.append(meta, link(raw.url, asText(raw.title).trim() || '(untitled statement)', 'alert-title'));
  const matched = Array.isArray(raw.matchedTopics) ? raw.matchedTopics.filter((t) => typeof t === 'string') : [];
  if (matched.length > 0) item.append(h('p', 'alert-topics', matched.map(topicTitle).join(' · ')));
  ui.alerts.prepend(item);
  while (ui.alerts.children.length > MAX_ALERTS) {
    const last = ui.alerts.lastElementChild;
    state.alertIds.delete(last.dataset.alertId);
    last.remove();
  }
  ui.alertsEmpty.hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function main() {
  readFilterFromUrl();
  updatePaused();
  startClock();
  document.getElementById('live-controls').addEventListener('submit', (event) => event.preventDefault());
  ui.topic.addEventListener('change', onFilterChange);
  ui.source.addEventListener('change', onFilterChange);
  ui.pause.addEventListener('click', togglePause);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    state.unseen = 0;
    document.title = state.baseTitle;
  });

  // Topic titles first, so chips render with titles; sources fill the source filter and the side panel.
  const [topics] = await Promise.all([loadTopics(), loadSources()]);
  fillSelect(ui.topic, topics.filter((t) => t && typeof t.id === 'string').map((t) => [t.id, topicTitle(t.id)]), state.filter.topic);
  await setUpTriage();
  await loadSnapshot();
  live.start();
}

async function setUpTriage() {
  let account = { authenticated: false };
  try {
    account = await currentAccount();
  } catch (error) {
    console.warn('Monitor: could not read the account', error);
  }
  const signedIn = account.authenticated === true;
  triage = createTriage({ enabled: signedIn });
  installListKeys(ui.statements, triage, createHelpDialog({ signedIn }));
  const markAll = document.getElementById('mark-all-read');
  markAll.hidden = !signedIn;
  markAll.addEventListener('click', async () => {
    // Everything of the current filters dated up to now is read.
    const at = new Date().toISOString();
    markAll.disabled = true;
    try {
      for (let round = 0; round < 100; round += 1) {
        const query = new URLSearchParams({ at });
        if (state.filter.topic) query.set('topics', state.filter.topic);
        if (state.filter.source) query.set('sources', state.filter.source);
        const result = await send('POST', `api/marks/read-up-to?${query}`);
        if (result?.more !== true) break;
      }
      await triage.refresh();
    } catch (error) {
      setStatus(ui.status, `Could not mark them read: ${error.message}`, true);
    } finally {
      markAll.disabled = false;
    }
  });
}

main();
