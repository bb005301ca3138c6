// Sources page: every source from GET api/sources with its health, kept current over SignalR (hubs/monitor):
// a SourceHealthChanged updates that source at once and, debounced, the whole list is fetched again for the poll
// times the event does not carry.
// The connection (reconnect, state in the header) is the shared one in js/lib/live.js; after every (re)connect the
// list is fetched again, since health changes while disconnected arrive only through it.
import { h, asText, link, setStatus, clear } from '../lib/dom.js';
import { getJson } from '../lib/api.js';
import { parseDate, timeElement, absoluteFormat, startClock } from '../lib/time.js';
import { renderHeader } from '../lib/layout.js';
import { createLive } from '../lib/live.js';

const HEALTH = ['Healthy', 'Degraded', 'Failing', 'Unknown'];
const REFETCH_DEBOUNCE_MS = 1500;
const REFRESH_EVERY_MS = 60000;

const ui = {
  list: document.getElementById('sources'),
  status: document.getElementById('sources-status'),
  summary: document.getElementById('sources-summary'),
};

/** sourceId → { source, element }, in the API's order. */
const sources = new Map();
let refetchTimer = 0;

// ---------------------------------------------------------------------------------------------
// Rendering

function normalizeHealth(value) {
  return HEALTH.includes(value) ? value : 'Unknown';
}

function dateOrDash(value, prefix = '') {
  const date = parseDate(value);
  return date ? timeElement(date, prefix) : h('span', 'muted', '—');
}

function nextPoll(source) {
  if (source.enabled === false) return h('span', null, 'paused: not polled');
  const date = parseDate(source.nextPollAt);
  if (!date) return h('span', 'muted', '—');
  if (date.getTime() <= Date.now()) {
    const due = h('span', null, 'due now');
    due.setAttribute('title', absoluteFormat.format(date));
    return due;
  }
  if (date.getTime() - Date.now() < 60000) {
    const soon = h('span', null, 'within a minute');
    soon.setAttribute('title', absoluteFormat.format(date));
    return soon;
  }
  return timeElement(date);
}

function perDay(source) {
  const mean = source.statementsPerDay;
  const last24h = source.statementsLast24h;
  const parts = [];
  if (typeof mean === 'number' && Number.isFinite(mean)) parts.push(`${mean.toFixed(1)} a day (7-day mean)`);
  if (typeof last24h === 'number' && Number.isFinite(last24h)) parts.push(`${last24h.toLocaleString('en')} in the last 24 h`);
  if (parts.length === 0) {
    const dash = h('span', 'muted', '—');
    dash.setAttribute('title', 'Not reported by this dashboard');
    return dash;
  }
  return h('span', null, parts.join(' · '));
}

function row(list, label, value, className) {
  const dt = h('dt', null, label);
  const dd = h('dd', className);
  dd.append(value);
  list.append(dt, dd);
}

function renderSource(source) {
  const health = normalizeHealth(source.health);
  const item = h('li', 'source source-card');
  item.dataset.sourceId = source.id;
  item.dataset.health = health;
  if (source.quiet === true) item.dataset.quiet = 'true';
  if (source.enabled === false) item.dataset.paused = 'true';

  const head = h('div', 'source-head');
  const name = h('h2', 'source-title');
  name.append(link(source.url, source.name || source.id, 'source-name'));
  const flags = h('p', 'source-flags');
  flags.append(h('span', `health health-${health.toLowerCase()}`, health));
  if (source.quiet === true) {
    const quiet = h('span', 'flag flag-quiet', 'Quiet');
    quiet.setAttribute('title', 'Answers, but nothing new for longer than its usual rhythm');
    flags.append(quiet);
  }
  flags.append(source.enabled === false ? h('span', 'flag flag-paused', 'Paused') : h('span', 'flag flag-enabled', 'Enabled'));
  head.append(name, flags);
  item.append(head);

  const details = h('dl', 'source-facts');
  row(details, 'Id', h('code', 'source-id', source.id));
  row(details, 'Adapter', h('code', null, source.adapter || '—'));
  row(details, 'Last success', dateOrDash(source.lastSuccessAt));
  row(details, 'Last polled', dateOrDash(source.lastPolledAt));
  row(details, 'Next poll', nextPoll(source), 'source-next-poll');
  row(details, 'Statements', perDay(source), 'source-per-day');
  const lastNew = parseDate(source.lastNewItemAt);
  if (lastNew || Number.isFinite(source.typicalGapSeconds)) {
    const rhythm = h('span');
    if (lastNew) rhythm.append('last new item ', timeElement(lastNew));
    if (Number.isFinite(source.typicalGapSeconds) && source.typicalGapSeconds > 0) {
      rhythm.append(lastNew ? '; ' : '', `usually every ${gap(source.typicalGapSeconds)}`);
    }
    row(details, 'Rhythm', rhythm);
  }
  item.append(details);

  const error = asText(source.lastError).trim();
  if (error !== '') {
    const box = h('div', health === 'Healthy' ? 'source-last-error is-resolved' : 'source-last-error');
    const label = health === 'Healthy' ? 'Last error (since recovered)' : `Last error${source.consecutiveFailures > 1 ? ` (${source.consecutiveFailures} failed polls in a row)` : ''}`;
    box.append(h('p', 'source-error-label', label), h('p', 'source-error', error));
    item.append(box);
  }
  return item;
}

function gap(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

function renderSummary() {
  const counts = { Healthy: 0, Degraded: 0, Failing: 0, Unknown: 0, quiet: 0, paused: 0 };
  for (const { source } of sources.values()) {
    counts[normalizeHealth(source.health)] += 1;
    if (source.quiet === true) counts.quiet += 1;
    if (source.enabled === false) counts.paused += 1;
  }
  const entries = [
    ['healthy', counts.Healthy, 'healthy'], ['degraded', counts.Degraded, 'degraded'], ['failing', counts.Failing, 'failing'],
    ['quiet', counts.quiet, 'quiet'],
  ];
  if (counts.Unknown > 0) entries.push(['unknown', counts.Unknown, 'not yet polled']);
  if (counts.paused > 0) entries.push(['paused', counts.paused, 'paused']);
  clear(ui.summary);
  for (const [key, n, word] of entries) {
    const item = h('li', `summary-item summary-${key}`);
    item.dataset.kind = key;
    item.append(h('span', 'summary-count', n.toLocaleString('en')), ' ', h('span', 'summary-word', word));
    ui.summary.append(item);
  }
  ui.summary.setAttribute('aria-label', `${sources.size} sources by health`);
}

function upsert(source, flash = false) {
  const existing = sources.get(source.id);
  // Unchanged: keep the element (and any keyboard focus inside it); its times refresh with the page clock.
  if (existing && !flash && JSON.stringify(existing.source) === JSON.stringify(source)) return;
  const element = renderSource(source);
  if (flash) element.classList.add('is-updated');
  if (existing) {
    const hadFocus = existing.element.contains(document.activeElement);
    existing.element.replaceWith(element);
    if (hadFocus) element.querySelector('a')?.focus(); // the name link is the card's only focusable element
  } else {
    ui.list.append(element);
  }
  sources.set(source.id, { source, element });
}

// ---------------------------------------------------------------------------------------------
// Data

async function load() {
  try {
    const list = await getJson('api/sources');
    if (!Array.isArray(list)) throw new Error('GET api/sources did not answer a JSON array');
    const seen = new Set();
    for (const raw of list) {
      if (!raw || typeof raw.id !== 'string') continue;
      seen.add(raw.id);
      upsert({ ...raw, name: asText(raw.name), url: asText(raw.url), adapter: asText(raw.adapter) });
    }
    for (const [id, entry] of sources) {
      if (!seen.has(id)) {
        entry.element.remove(); // removed through the admin API
        sources.delete(id);
      }
    }
    // Keep the API's order (new sources append; a full load re-sorts).
    for (const raw of list) {
      const entry = typeof raw?.id === 'string' ? sources.get(raw.id) : null;
      if (entry) ui.list.append(entry.element);
    }
    renderSummary();
    setStatus(ui.status, sources.size === 0 ? 'No sources are configured.' : '');
  } catch (error) {
    setStatus(ui.status, `Sources could not be loaded: ${error.message}`, true);
  }
}

function scheduleRefetch() {
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(load, REFETCH_DEBOUNCE_MS);
}

/** SourceHealthChanged: { sourceId, health, lastError, lastSuccessAt, checkedAt, quiet }. */
function receiveHealth(raw) {
  if (!raw || typeof raw.sourceId !== 'string') return;
  const previous = sources.get(raw.sourceId)?.source ?? { id: raw.sourceId, name: raw.sourceId, url: '', adapter: '' };
  upsert({
    ...previous,
    health: raw.health,
    lastError: raw.lastError ?? null,
    lastSuccessAt: raw.lastSuccessAt ?? previous.lastSuccessAt ?? null,
    lastPolledAt: raw.checkedAt ?? previous.lastPolledAt ?? null,
    quiet: typeof raw.quiet === 'boolean' ? raw.quiet : previous.quiet,
  }, true);
  renderSummary();
  scheduleRefetch(); // next poll, failures in a row and counts are not in the event
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function main() {
  const live = createLive({ stateElement: renderHeader('sources'), onHealth: receiveHealth, onCaughtUp: load });
  startClock();
  await load();
  setInterval(load, REFRESH_EVERY_MS);
  document.addEventListener('monitor:sources-changed', scheduleRefetch); // added, edited or removed on this page
  live.start();
}

main();
