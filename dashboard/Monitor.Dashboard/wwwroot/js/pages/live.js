// Monitor dashboard: a REST snapshot of the newest statements, kept current over SignalR (/hubs/monitor).
//
// Everything the API returns is feed text and therefore untrusted. It reaches the DOM only through
// textContent and setAttribute (never innerHTML), and becomes a link only when it is an absolute
// http(s) URL. Lookups go through Maps keyed by id, never through selectors built from data.

const STATEMENTS_PATH = 'api/statements?limit=50';
const SOURCES_PATH = 'api/sources';
const TOPICS_PATH = 'api/topics';
const HUB_PATH = 'hubs/monitor';

// The list keeps the newest statements only, so a dashboard left open for days stays light.
const MAX_STATEMENTS = 200;
const MAX_ALERTS = 50;
const MAX_EVIDENCE = 12;
// Automatic reconnect for about two minutes, then "disconnected" and a slower restart loop.
const RECONNECT_DELAYS_MS = [0, 2000, 5000, 10000, 30000, 30000, 60000];
const RESTART_DELAYS_MS = [5000, 15000, 30000, 60000];
const CLOCK_TICK_MS = 30000;
const RETRY_LOAD_MS = 15000;

const CONNECTION_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};
const HEALTH_VALUES = ['Unknown', 'Healthy', 'Degraded', 'Failing'];

const ui = {
  connection: document.getElementById('connection-state'),
  connectionLabel: document.querySelector('#connection-state .connection-label'),
  reconnect: document.getElementById('reconnect'),
  statements: document.getElementById('statements'),
  statementsStatus: document.getElementById('statements-status'),
  statementsEmpty: document.getElementById('statements-empty'),
  statementsCount: document.getElementById('statements-count'),
  sources: document.getElementById('sources'),
  sourcesStatus: document.getElementById('sources-status'),
  alerts: document.getElementById('alerts'),
  alertsEmpty: document.getElementById('alerts-empty'),
};

const state = {
  topics: new Map(), // topicId -> title
  statements: new Map(), // statementId -> entry { statement, element, key }
  order: [], // entries, newest first
  sources: new Map(), // sourceId -> { source, element }
  alertIds: new Set(),
  unseen: 0,
  baseTitle: document.title,
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function h(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

function asText(value) {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/** An absolute http(s) URL, or null: javascript:, data:, relative and malformed URLs never become links. */
function safeHttpUrl(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

function link(url, text, className) {
  const href = safeHttpUrl(url);
  if (!href) return h('span', className, text);
  const a = h('a', className, text);
  a.setAttribute('href', href);
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  return a;
}

function parseDate(value) {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});
// [unit, seconds, used from this many seconds on]: "9 days ago" reads better than "last week".
const RELATIVE_UNITS = [
  ['year', 31536000, 31536000], ['month', 2592000, 5184000], ['week', 604800, 1209600],
  ['day', 86400, 86400], ['hour', 3600, 3600], ['minute', 60, 0],
];

function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size, from] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= from) {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
}

/** <time> with relative text, the exact time in its title, and data-relative so the clock refreshes it. */
function timeElement(date, prefix = '') {
  const time = h('time', 'time');
  time.setAttribute('datetime', date.toISOString());
  time.setAttribute('title', absoluteFormat.format(date));
  time.dataset.relative = prefix;
  time.textContent = prefix + relativeTime(date);
  return time;
}

function refreshClocks() {
  const now = Date.now();
  for (const time of document.querySelectorAll('time[data-relative]')) {
    const date = parseDate(time.getAttribute('datetime'));
    if (date) time.textContent = time.dataset.relative + relativeTime(date, now);
  }
}

async function getJson(path) {
  const response = await fetch(new URL(path, document.baseURI), {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`GET ${path} answered HTTP ${response.status}`);
  return response.json();
}

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.hidden = text === '';
  element.classList.toggle('status-error', isError);
}

// ---------------------------------------------------------------------------------------------
// Topics

function topicTitle(topicId) {
  return state.topics.get(topicId) ?? topicId;
}

function loadTopics(topics) {
  if (!Array.isArray(topics)) return;
  for (const topic of topics) {
    if (topic && typeof topic.id === 'string') state.topics.set(topic.id, asText(topic.title) || topic.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Statements

function normalizeStatement(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const statementId = Number(raw.statementId);
  const revision = Number(raw.revision);
  if (!Number.isSafeInteger(statementId) || !Number.isSafeInteger(revision)) return null;
  const topics = Array.isArray(raw.topics)
    ? raw.topics
      .filter((t) => t && typeof t.topicId === 'string')
      .map((t) => ({
        topicId: t.topicId,
        score: Number.isFinite(Number(t.score)) ? Math.min(1, Math.max(0, Number(t.score))) : 0,
        // Evidence items are { term, field, start, length }; show each matched term once.
        evidence: Array.isArray(t.evidence)
          ? [...new Set(t.evidence.map((e) => asText(e && typeof e === 'object' ? e.term : e)).filter((e) => e !== ''))]
          : [],
      }))
      .sort((a, b) => b.score - a.score)
    : [];
  return {
    statementId,
    revision,
    sourceId: asText(raw.sourceId),
    externalId: asText(raw.externalId),
    url: asText(raw.url),
    title: asText(raw.title),
    summary: asText(raw.summary),
    publishedAt: parseDate(raw.publishedAt),
    discoveredAt: parseDate(raw.discoveredAt),
    storedAt: parseDate(raw.storedAt),
    topics,
  };
}

// Newest stored first: a live arrival is the newest stored, so "prepend" and "merge a re-fetch"
// give the same order, and a new revision of a statement moves up with its new storedAt.
function sortKey(statement) {
  return (statement.storedAt ?? statement.discoveredAt ?? statement.publishedAt)?.getTime() ?? 0;
}

function compareEntries(a, b) {
  return b.key - a.key || b.statement.statementId - a.statement.statementId;
}

function renderChip(topic) {
  const chip = h('li', 'chip');
  chip.dataset.topicId = topic.topicId;
  chip.append(h('span', 'chip-title', topicTitle(topic.topicId)), ' ', h('span', 'chip-score', topic.score.toFixed(2)));
  const evidence = topic.evidence.slice(0, MAX_EVIDENCE);
  const more = topic.evidence.length - evidence.length;
  const lines = [`${topicTitle(topic.topicId)}: score ${topic.score.toFixed(2)}`];
  lines.push(evidence.length ? 'Evidence:' : 'No evidence recorded');
  for (const item of evidence) lines.push(`• ${item}`);
  if (more > 0) lines.push(`… and ${more} more`);
  chip.setAttribute('title', lines.join('\n'));
  return chip;
}

function renderStatement(statement) {
  const item = h('li', 'statement');
  item.dataset.statementId = String(statement.statementId);
  item.dataset.revision = String(statement.revision);
  item.dataset.sourceId = statement.sourceId;

  const meta = h('p', 'statement-meta');
  const source = h('span', 'statement-source', statement.sourceId || 'unknown source');
  const sourceName = state.sources.get(statement.sourceId)?.source.name;
  if (sourceName) source.setAttribute('title', sourceName);
  meta.append(source);
  if (statement.publishedAt) {
    meta.append(timeElement(statement.publishedAt));
  } else {
    const undated = h('span', 'time', 'undated');
    if (statement.discoveredAt) {
      undated.setAttribute('title', `Publication date unknown; discovered ${absoluteFormat.format(statement.discoveredAt)}`);
    }
    meta.append(undated);
  }
  if (statement.revision > 1) meta.append(h('span', 'revision', `revision ${statement.revision}`));

  const heading = h('h3', 'statement-title');
  heading.append(link(statement.url, statement.title.trim() || '(untitled statement)'));

  item.append(meta, heading);
  if (statement.summary.trim() !== '') item.append(h('p', 'statement-summary', statement.summary));

  if (statement.topics.length > 0) {
    const chips = h('ul', 'chips');
    chips.setAttribute('aria-label', 'Topics');
    for (const topic of statement.topics) chips.append(renderChip(topic));
    item.append(chips);
  } else {
    item.append(h('p', 'no-topics', 'No baseline topic'));
  }
  return item;
}

/** Adds or replaces a statement; false when it is a duplicate or an older revision. */
function upsertStatement(raw, { live = false } = {}) {
  const statement = normalizeStatement(raw);
  if (!statement) {
    console.warn('Monitor: ignored a statement without a numeric statementId and revision', raw);
    return false;
  }
  const existing = state.statements.get(statement.statementId);
  if (existing && existing.statement.revision >= statement.revision) return false;
  if (existing) removeEntry(existing);

  const entry = { statement, element: renderStatement(statement), key: 0 };
  entry.key = sortKey(statement);
  let index = state.order.findIndex((other) => compareEntries(entry, other) < 0);
  if (index === -1) index = state.order.length;
  if (index >= MAX_STATEMENTS) return false; // older than everything kept
  const next = state.order[index];
  state.order.splice(index, 0, entry);
  state.statements.set(statement.statementId, entry);
  ui.statements.insertBefore(entry.element, next ? next.element : null);

  if (live) {
    entry.element.classList.add('is-new');
    entry.element.addEventListener('animationend', () => entry.element.classList.remove('is-new'), { once: true });
  }
  while (state.order.length > MAX_STATEMENTS) removeEntry(state.order[state.order.length - 1]);
  return true;
}

function removeEntry(entry) {
  const index = state.order.indexOf(entry);
  if (index !== -1) state.order.splice(index, 1);
  state.statements.delete(entry.statement.statementId);
  entry.element.remove();
}

function updateStatementsSummary() {
  const count = state.order.length;
  ui.statementsEmpty.hidden = count !== 0;
  ui.statementsCount.textContent = count === 1 ? '1 statement' : `${count} statements`;
}

function mergeStatements(list, options) {
  if (!Array.isArray(list)) throw new Error(`GET ${STATEMENTS_PATH} did not answer a JSON array`);
  ui.statements.setAttribute('aria-busy', 'true');
  // Oldest first, so a live-style prepend of each would also be right; upsert sorts anyway.
  for (const raw of [...list].reverse()) upsertStatement(raw, options);
  ui.statements.setAttribute('aria-busy', 'false');
  updateStatementsSummary();
}

function receiveStatement(raw) {
  if (upsertStatement(raw, { live: true })) {
    updateStatementsSummary();
    if (document.hidden) {
      state.unseen += 1;
      document.title = `(${state.unseen}) ${state.baseTitle}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sources

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
  const checked = parseDate(source.checkedAt) ?? parseDate(source.lastPolledAt);
  if (checked) detail.append(' · ', timeElement(checked, 'checked '));
  if (source.enabled === false) detail.append(' · ', h('span', 'source-disabled', 'disabled'));
  if (Number.isSafeInteger(source.consecutiveFailures) && source.consecutiveFailures > 1 && health !== 'Healthy') {
    detail.append(' · ', h('span', null, `${source.consecutiveFailures} failed polls in a row`));
  }
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

function loadSources(list) {
  if (!Array.isArray(list)) throw new Error(`GET ${SOURCES_PATH} did not answer a JSON array`);
  for (const raw of list) {
    if (!raw || typeof raw.id !== 'string') continue;
    const previous = state.sources.get(raw.id)?.source ?? {};
    upsertSource({
      ...previous,
      id: raw.id,
      name: asText(raw.name),
      url: asText(raw.url),
      health: raw.health,
      lastError: raw.lastError ?? null,
      lastSuccessAt: raw.lastSuccessAt ?? null,
      lastPolledAt: raw.lastPolledAt ?? null,
      nextPollAt: raw.nextPollAt ?? null,
      enabled: raw.enabled, // optional: the API adds it beside the agreed fields
      consecutiveFailures: raw.consecutiveFailures,
      checkedAt: raw.lastPolledAt ?? previous.checkedAt ?? null,
    });
  }
  setStatus(ui.sourcesStatus, state.sources.size === 0 ? 'No sources configured.' : '');
}

function receiveHealth(raw) {
  if (!raw || typeof raw.sourceId !== 'string') return;
  const previous = state.sources.get(raw.sourceId)?.source ?? { id: raw.sourceId, name: raw.sourceId, url: '' };
  upsertSource({
    ...previous,
    health: raw.health,
    lastError: raw.lastError ?? null,
    lastSuccessAt: raw.lastSuccessAt ?? previous.lastSuccessAt ?? null,
    checkedAt: raw.checkedAt ?? previous.checkedAt ?? null,
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
  item.dataset.ruleId = asText(raw.ruleId);

  const meta = h('p', 'alert-meta');
  meta.append(h('span', 'alert-rule', asText(raw.ruleId) || 'alert'));
  const triggered = parseDate(raw.triggeredAt);
  if (triggered) meta.append(' · ', timeElement(triggered));
  item.append(meta, link(raw.url, asText(raw.title).trim() || '(untitled statement)', 'alert-title'));

  const matched = Array.isArray(raw.matchedTopics) ? raw.matchedTopics.filter((t) => typeof t === 'string') : [];
  if (matched.length > 0) {
    const topics = h('p', 'alert-topics', matched.map(topicTitle).join(' · '));
    item.append(topics);
  }

  ui.alerts.prepend(item);
  while (ui.alerts.children.length > MAX_ALERTS) {
    const last = ui.alerts.lastElementChild;
    state.alertIds.delete(last.dataset.alertId);
    last.remove();
  }
  ui.alertsEmpty.hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Loading and merging the REST snapshot

let refreshing = null;
let retryTimer = 0;
let refreshAgain = false;

/** Re-reads statements and sources and merges them; overlapping calls collapse into one more run. */
function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const [statements, sources] = await Promise.allSettled([getJson(STATEMENTS_PATH), getJson(SOURCES_PATH)]);
      applyStatements(statements);
      applySources(sources);
    } while (refreshAgain);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function applyStatements(result) {
  try {
    if (result.status === 'rejected') throw result.reason;
    mergeStatements(result.value);
    setStatus(ui.statementsStatus, '');
  } catch (error) {
    console.error('Monitor: could not load statements', error);
    setStatus(ui.statementsStatus, `Could not load statements (${error.message}). Retrying…`, true);
    updateStatementsSummary();
    ui.statementsEmpty.hidden = true;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(refresh, RETRY_LOAD_MS);
  }
}

function applySources(result) {
  try {
    if (result.status === 'rejected') throw result.reason;
    loadSources(result.value);
  } catch (error) {
    console.error('Monitor: could not load sources', error);
    setStatus(ui.sourcesStatus, `Could not load sources (${error.message}).`, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Live connection

function setConnectionState(value) {
  ui.connection.dataset.state = value;
  ui.connectionLabel.textContent = CONNECTION_LABELS[value];
  ui.reconnect.hidden = value !== 'disconnected';
}

function createConnection() {
  const signalR = globalThis.signalR;
  if (!signalR) return null;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(new URL(HUB_PATH, document.baseURI).href)
    .withAutomaticReconnect(RECONNECT_DELAYS_MS)
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  connection.on('StatementStored', receiveStatement);
  connection.on('AlertTriggered', receiveAlert);
  connection.on('SourceHealthChanged', receiveHealth);
  // Only sent to clients that joined a topic group; registered so the client does not warn about it.
  connection.on('TopicStatementStored', () => {});

  connection.onreconnecting(() => setConnectionState('reconnecting'));
  connection.onreconnected(() => {
    setConnectionState('live');
    refresh(); // statements stored while the connection was down arrive only through the snapshot
  });
  connection.onclose(() => {
    setConnectionState('disconnected');
    scheduleRestart();
  });
  return connection;
}

let connection = null;
let restartTimer = 0;
let restartAttempt = 0;

async function startConnection() {
  clearTimeout(restartTimer);
  restartTimer = 0;
  if (!connection || connection.state !== globalThis.signalR.HubConnectionState.Disconnected) return;
  setConnectionState('connecting');
  try {
    await connection.start();
    restartAttempt = 0;
    setConnectionState('live');
    refresh(); // close the gap between the first snapshot and the moment the connection went live
  } catch (error) {
    console.warn('Monitor: live connection failed', error);
    setConnectionState('disconnected');
    scheduleRestart();
  }
}

function scheduleRestart() {
  clearTimeout(restartTimer);
  const delay = RESTART_DELAYS_MS[Math.min(restartAttempt, RESTART_DELAYS_MS.length - 1)];
  restartAttempt += 1;
  restartTimer = setTimeout(startConnection, delay);
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function main() {
  setConnectionState('connecting');
  ui.reconnect.addEventListener('click', () => {
    restartAttempt = 0;
    startConnection();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    state.unseen = 0;
    document.title = state.baseTitle;
    if (ui.connection.dataset.state === 'disconnected') startConnection();
  });
  window.addEventListener('online', () => {
    if (ui.connection.dataset.state === 'disconnected') startConnection();
  });
  setInterval(refreshClocks, CLOCK_TICK_MS);

  connection = createConnection();
  if (connection) {
    startConnection();
  } else {
    console.error('Monitor: lib/signalr/signalr.min.js did not load; build the project to copy it from npm.');
    setConnectionState('disconnected');
    ui.reconnect.hidden = true;
  }

  // Topic titles first, so chips render with titles; the snapshot does not wait for the connection.
  const [topics, statements, sources] = await Promise.allSettled([
    getJson(TOPICS_PATH), getJson(STATEMENTS_PATH), getJson(SOURCES_PATH),
  ]);
  if (topics.status === 'fulfilled') loadTopics(topics.value);
  else console.error('Monitor: could not load topics; chips show topic ids', topics.reason);
  applySources(sources);
  applyStatements(statements);
}

main();
