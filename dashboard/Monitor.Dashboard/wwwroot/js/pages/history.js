// History page: every filter of GET api/statements as a form whose state lives in the page URL (history.html?q=…),
// results rendered like the live view with the query's words marked, keyset paging, totals and export links.
// "List: Statements | Events" (view=events) lists the events of GET api/events instead, with the filters events take;
// the entity facets (GET api/statements/entities) add an entity filter (entity=…) when chosen.
import { h, asText, setStatus, clear, pageLink } from '../lib/dom.js';
import { get, getJson, apiUrl, send } from '../lib/api.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { normalizeStatement, renderStatement, DOCUMENT_TYPE_LABELS } from '../lib/statements.js';
import { startClock, dayElement } from '../lib/time.js';
import { renderHeader } from '../lib/layout.js';
import { queryTerms, findRanges, appendMarked } from '../lib/textmatch.js';
import { currentAccount } from '../lib/account.js';
import { createTriage, createHelpDialog, installListKeys } from '../lib/triage.js';

const PAGE_SIZE = 50;
// Multi-valued fields: checkbox groups in the form, comma-separated in the URL and the API.
const LIST_FIELDS = ['topics', 'sources', 'types'];
const SINGLE_FIELDS = ['q', 'topicMatch', 'minScore', 'from', 'to', 'drift', 'language', 'sort', 'entity', 'institution', 'view', 'unread', 'starred', 'label'];
const DEFAULTS = { topicMatch: 'any', sort: 'date', view: 'statements' };
// What GET api/events takes of the form (q: words its title contains); the rest does not apply to events.
const EVENT_FIELDS = ['q', 'topics', 'from', 'to', 'entity', 'institution'];
const NOT_FOR_EVENTS = { unread: 'unread', starred: 'starred', label: 'label', sources: 'sources', types: 'document types', minScore: 'minimum score', drift: 'figure drift', language: 'language', sort: 'order', topicMatch: 'all topics' };
// Statement filters only: the facets and the statements list do not take these.
const EVENTS_ONLY = ['institution', 'view'];
const INSTITUTION_NAMES = { NATO: 'NATO', EP: 'European Parliament' };

const ui = {
  form: document.getElementById('history-form'),
  formError: document.getElementById('form-error'),
  reset: document.getElementById('reset'),
  results: document.getElementById('results'),
  events: document.getElementById('events'),
  eventsIgnored: document.getElementById('events-ignored'),
  entity: document.getElementById('entity'),
  entityFilters: document.getElementById('entity-filters'),
  entityChips: document.getElementById('entity-chips'),
  facets: document.getElementById('facets-list'),
  status: document.getElementById('results-status'),
  count: document.getElementById('results-count'),
  loadMore: document.getElementById('load-more'),
  exportCsv: document.getElementById('export-csv'),
  exportNdjson: document.getElementById('export-ndjson'),
  choices: {
    topics: document.getElementById('topics-choices'),
    sources: document.getElementById('sources-choices'),
    types: document.getElementById('types-choices'),
  },
  picked: {
    topics: document.getElementById('topics-picked'),
    sources: document.getElementById('sources-picked'),
    types: document.getElementById('types-picked'),
  },
};

const state = {
  sourceNames: new Map(),
  apiParams: {},
  terms: [],
  cursor: null,
  shown: 0,
  controller: null,
  facetsController: null,
  view: 'statements',
  params: {},
  entityNames: new Map(),
  // Triage (read, star, labels: lib/triage.js); a page of no marks until the account is known.
  triage: createTriage({ enabled: false }),
};

// ---------------------------------------------------------------------------------------------
// Form ⇄ URL

/** The form state as { name: string } (lists comma-joined), empty fields and defaults left out. */
function readForm() {
  const data = new FormData(ui.form);
  const params = {};
  for (const name of SINGLE_FIELDS) {
    const value = asText(data.get(name)).trim();
    if (value !== '' && value !== DEFAULTS[name]) params[name] = value;
  }
  for (const name of LIST_FIELDS) {
    const values = data.getAll(name).map(asText).filter((v) => v !== '');
    if (values.length > 0) params[name] = values.join(',');
  }
  return params;
}

function paramsFromUrl() {
  const search = new URLSearchParams(location.search);
  const params = {};
  for (const name of [...SINGLE_FIELDS, ...LIST_FIELDS]) {
    const value = search.get(name);
    if (value !== null && value.trim() !== '') params[name] = value.trim();
  }
  return params;
}

function fillForm(params) {
  for (const name of SINGLE_FIELDS) {
    const field = ui.form.elements.namedItem(name);
    const value = params[name] ?? DEFAULTS[name] ?? '';
    if (field instanceof RadioNodeList) {
      for (const radio of field) radio.checked = radio.value === value;
    } else if (field instanceof HTMLInputElement && field.type === 'checkbox') {
      field.checked = value === field.value;
    } else if (field instanceof HTMLInputElement && field.type === 'date') {
      field.value = /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
    } else if (field) {
      field.value = value;
    }
  }
  for (const name of LIST_FIELDS) {
    const wanted = new Set((params[name] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== ''));
    // A value from a link that is not among the choices gets a (checked) box of its own, so it still reaches the API.
    for (const box of ui.choices[name].querySelectorAll('input[type="checkbox"]')) {
      box.checked = wanted.has(box.value);
      wanted.delete(box.value);
    }
    for (const value of wanted) ui.choices[name].append(choice(name, value, value, true));
  }
  updatePicked();
  if (params.topics || params.topicMatch) document.getElementById('topics-box').open = true;
  if (params.sources) document.getElementById('sources-box').open = true;
  if (params.types) document.getElementById('types-box').open = true;
}

/** The API's parameters for the form state: "To (inclusive)" becomes the next day, as the API's `to` is exclusive. */
function toApiParams(params) {
  const api = { ...params };
  if (/^\d{4}-\d{2}-\d{2}$/.test(api.to ?? '')) {
    const next = new Date(`${api.to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    api.to = next.toISOString().slice(0, 10);
  }
  return api;
}

function pageUrl(params) {
  const query = new URLSearchParams(params).toString();
  return query ? `history.html?${query}` : 'history.html';
}

// ---------------------------------------------------------------------------------------------
// Choices (checkbox groups)

function choice(name, value, label, checked = false) {
  const wrapper = h('label', 'choice');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.name = name;
  box.value = value;
  box.checked = checked;
  wrapper.append(box, ' ', h('span', null, label));
  return wrapper;
}

function fillChoices(name, entries) {
  const container = clear(ui.choices[name]);
  for (const [value, label] of entries) container.append(choice(name, value, label));
}

function updatePicked() {
  for (const name of LIST_FIELDS) {
    const n = ui.choices[name].querySelectorAll('input:checked').length;
    ui.picked[name].textContent = n > 0 ? `(${n} chosen)` : '(any)';
  }
}

// ---------------------------------------------------------------------------------------------
// Search

function highlight(text, element) {
  const ranges = state.terms.length > 0 ? findRanges(text, state.terms) : [];
  appendMarked(element, text, ranges);
}

function formatTotal(raw) {
  if (raw === null) return null;
  const lowerBound = raw.endsWith('+');
  const n = Number(lowerBound ? raw.slice(0, -1) : raw);
  if (!Number.isSafeInteger(n)) return null;
  const number = n.toLocaleString('en');
  if (lowerBound) return `more than ${number} statements`;
  return n === 1 ? '1 statement' : `${number} statements`;
}

function setExports(apiParams) {
  ui.exportCsv.setAttribute('href', apiUrl('api/statements/export', { ...exportParams(apiParams), format: 'csv' }).href);
  ui.exportNdjson.setAttribute('href', apiUrl('api/statements/export', { ...exportParams(apiParams), format: 'ndjson' }).href);
}

function exportParams(apiParams) {
  const { sort, ...filters } = apiParams; // the export is always newest first
  void sort;
  return filters;
}

/** The params without the events-only ones: what the statements list, exports and facets take. */
function statementParams(params) {
  const out = { ...params };
  for (const name of EVENTS_ONLY) delete out[name];
  return out;
}

function search(params) {
  state.params = params;
  state.view = params.view === 'events' ? 'events' : 'statements';
  renderEntityFilters(params.entity);
  loadFacets(params);
  ui.results.hidden = state.view !== 'statements';
  ui.events.hidden = state.view !== 'events';
  document.querySelector('.exports').hidden = state.view !== 'statements';
  return state.view === 'events' ? searchEvents(params) : searchStatements(statementParams(params));
}

async function searchStatements(params) {
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  ui.eventsIgnored.hidden = true;
  clear(ui.events);
  state.apiParams = toApiParams(params);
  state.terms = queryTerms(params.q ?? '');
  state.cursor = null;
  state.shown = 0;
  setExports(state.apiParams);
  setStatus(ui.formError, '');
  ui.count.textContent = '';
  ui.loadMore.hidden = true;
  clear(ui.results);
  setStatus(ui.status, 'Searching…');
  ui.results.setAttribute('aria-busy', 'true');
  try {
    const { body, headers } = await get('api/statements', { ...state.apiParams, limit: PAGE_SIZE, count: 'true' }, { signal: controller.signal });
    if (controller !== state.controller) return;
    const total = formatTotal(headers.get('X-Total-Count'));
    append(body, headers);
    const rankedAmong = Number(headers.get('X-Ranked-Among'));
    ui.count.textContent = (total ?? `${state.shown.toLocaleString('en')} shown`)
      + (rankedAmong > 0 ? `; best matches among the newest ${rankedAmong.toLocaleString('en')}` : '');
    setStatus(ui.status, state.shown === 0 ? 'No statement matches. Try fewer words or filters.' : '');
  } catch (error) {
    if (error?.name === 'AbortError') return;
    showError(error);
  } finally {
    if (controller === state.controller) ui.results.removeAttribute('aria-busy');
  }
}

async function loadMore() {
  if (!state.cursor) return;
  if (state.view === 'events') {
    await loadMoreEvents();
    return;
  }
  const controller = new AbortController();
  state.controller?.abort();
  state.controller = controller;
  ui.loadMore.disabled = true;
  ui.loadMore.textContent = 'Loading…';
  try {
    const { body, headers } = await get('api/statements', { ...state.apiParams, limit: PAGE_SIZE, cursor: state.cursor }, { signal: controller.signal });
    if (controller !== state.controller) return;
    const before = state.shown;
    append(body, headers);
    setStatus(ui.status, '');
    // Keyboard users continue where the new results start.
    ui.results.children[before]?.querySelector('a')?.focus();
  } catch (error) {
    if (error?.name === 'AbortError') return;
    setStatus(ui.status, `Could not load more: ${error.message}`, true);
  } finally {
    ui.loadMore.disabled = false;
    ui.loadMore.textContent = 'Load more';
  }
}

function append(body, headers) {
  if (!Array.isArray(body)) throw new Error('GET api/statements did not answer a JSON array');
  const fragment = document.createDocumentFragment();
  for (const raw of body) {
    const statement = normalizeStatement(raw);
    if (!statement) continue;
    fragment.append(state.triage.decorate(renderStatement(statement, { highlight, sourceName: (id) => state.sourceNames.get(id) }), statement.statementId));
    state.shown += 1;
  }
  ui.results.append(fragment);
  state.cursor = headers.get('X-Next-Cursor') || null;
  ui.loadMore.hidden = !state.cursor;
}

// ---------------------------------------------------------------------------------------------
// Events view

function eventApiParams(params) {
  const api = toApiParams(params);
  const out = {};
  for (const name of EVENT_FIELDS) if (api[name] !== undefined) out[name] = api[name];
  return out;
}

async function searchEvents(params) {
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  state.apiParams = eventApiParams(params);
  state.terms = [];
  state.cursor = null;
  state.shown = 0;
  clear(ui.results);
  clear(ui.events);
  const ignored = Object.keys(NOT_FOR_EVENTS).filter((name) => params[name] !== undefined).map((name) => NOT_FOR_EVENTS[name]);
  ui.eventsIgnored.textContent = ignored.length > 0 ? `Events are not filtered by ${ignored.join(', ')}. Words must be in the event's title.` : "Words must be in the event's title.";
  ui.eventsIgnored.hidden = false;
  setStatus(ui.formError, '');
  ui.count.textContent = '';
  ui.loadMore.hidden = true;
  setStatus(ui.status, 'Searching…');
  ui.events.setAttribute('aria-busy', 'true');
  try {
    const { body, headers } = await get('api/events', { ...state.apiParams, limit: PAGE_SIZE }, { signal: controller.signal });
    if (controller !== state.controller) return;
    appendEvents(body, headers);
    ui.count.textContent = `${state.shown.toLocaleString('en')} event${state.shown === 1 ? '' : 's'} shown${state.cursor ? ', more below' : ''}`;
    setStatus(ui.status, state.shown === 0 ? 'No event matches. Try fewer words or filters.' : '');
  } catch (error) {
    if (error?.name === 'AbortError') return;
    showError(error);
  } finally {
    if (controller === state.controller) ui.events.removeAttribute('aria-busy');
  }
}

async function loadMoreEvents() {
  const controller = new AbortController();
  state.controller?.abort();
  state.controller = controller;
  ui.loadMore.disabled = true;
  ui.loadMore.textContent = 'Loading…';
  try {
    const { body, headers } = await get('api/events', { ...state.apiParams, limit: PAGE_SIZE, cursor: state.cursor }, { signal: controller.signal });
    if (controller !== state.controller) return;
    const before = state.shown;
    appendEvents(body, headers);
    ui.count.textContent = `${state.shown.toLocaleString('en')} events shown${state.cursor ? ', more below' : ''}`;
    setStatus(ui.status, '');
    ui.events.children[before]?.querySelector('a')?.focus();
  } catch (error) {
    if (error?.name === 'AbortError') return;
    setStatus(ui.status, `Could not load more: ${error.message}`, true);
  } finally {
    ui.loadMore.disabled = false;
    ui.loadMore.textContent = 'Load more';
  }
}

function renderEventRow(e) {
  const item = h('li', 'event-row');
  item.dataset.eventId = asText(e.id);
  const title = h('p', 'event-row-title');
  title.append(pageLink('event.html', { id: e.id }, asText(e.title).trim() || `Event ${asText(e.id)}`, 'event-link'));
  const meta = h('p', 'event-row-meta');
  const days = h('span', 'event-days');
  if (asText(e.firstDay) === asText(e.lastDay)) days.append(dayElement(e.firstDay));
  else days.append(dayElement(e.firstDay), ' to ', dayElement(e.lastDay));
  const n = Number(e.members) || 0;
  const members = h('span', 'event-members', `${n} statement${n === 1 ? '' : 's'} (NATO ${Number(e.natoMembers) || 0}, EP ${Number(e.epMembers) || 0})`);
  const institutions = h('span', 'event-institutions');
  for (const code of Array.isArray(e.institutions) ? e.institutions : []) {
    const text = asText(code);
    const badge = h('span', `badge badge-${text.toLowerCase()}`, text);
    badge.title = INSTITUTION_NAMES[text] ?? text;
    institutions.append(badge, ' ');
  }
  meta.append(days, members, institutions);
  item.append(title, meta);
  return item;
}

function appendEvents(body, headers) {
  if (!Array.isArray(body)) throw new Error('GET api/events did not answer a JSON array');
  const fragment = document.createDocumentFragment();
  for (const e of body) {
    if (!e || !Number.isSafeInteger(Number(e.id))) continue;
    fragment.append(renderEventRow(e));
    state.shown += 1;
  }
  ui.events.append(fragment);
  state.cursor = headers.get('X-Next-Cursor') || null;
  ui.loadMore.hidden = !state.cursor;
}

// ---------------------------------------------------------------------------------------------
// Entity facets and the entity filter

function entityList(value) {
  return asText(value).split(',').map((v) => v.trim()).filter((v) => v !== '');
}

function renderEntityFilters(value) {
  const ids = entityList(value);
  clear(ui.entityChips);
  ui.entityFilters.hidden = ids.length === 0;
  for (const id of ids) {
    const name = state.entityNames.get(id) ?? id;
    // The accessible name holds the visible text (axe: label-content-name-mismatch), the hidden words say what it does.
    const button = h('button', 'entity-chip');
    button.append(h('span', 'visually-hidden', 'Remove the filter: '), `${name} ×`);
    button.type = 'button';
    button.dataset.entityId = id;
    button.addEventListener('click', () => applyEntities(ids.filter((other) => other !== id)));
    const item = h('li');
    item.append(button);
    ui.entityChips.append(item);
  }
}

function applyEntities(ids) {
  const params = { ...state.params };
  if (ids.length > 0) params.entity = ids.join(',');
  else delete params.entity;
  fillForm(params);
  history.pushState(params, '', pageUrl(params));
  search(params);
}

async function loadFacets(params) {
  state.facetsController?.abort();
  const controller = new AbortController();
  state.facetsController = controller;
  const chosen = new Set(entityList(params.entity));
  ui.facets.setAttribute('aria-busy', 'true');
  try {
    const { sort, ...filters } = toApiParams(statementParams(params));
    void sort;
    const { body } = await get('api/statements/entities', { ...filters, take: 10 + chosen.size }, { signal: controller.signal });
    if (controller !== state.facetsController) return;
    clear(ui.facets);
    const list = (Array.isArray(body) ? body : []).filter((f) => f && typeof f.entityId === 'string');
    for (const f of list) state.entityNames.set(f.entityId, asText(f.name) || f.entityId);
    renderEntityFilters(params.entity); // names may have arrived with the facets
    const shown = list.filter((f) => !chosen.has(f.entityId)).slice(0, 10);
    for (const f of shown) {
      const n = Number(f.statements) || 0;
      const button = h('button', 'facet');
      button.type = 'button';
      button.dataset.entityId = f.entityId;
      button.append(h('span', 'facet-name', asText(f.name) || f.entityId), ' ', h('span', 'facet-count', n.toLocaleString('en')),
        h('span', 'visually-hidden', n === 1 ? ' statement' : ' statements'));
      button.addEventListener('click', () => applyEntities([...chosen, f.entityId]));
      const item = h('li');
      item.append(button);
      ui.facets.append(item);
    }
    if (shown.length === 0) ui.facets.append(h('li', 'muted', 'No entity is named in the matching statements.'));
  } catch (error) {
    if (error?.name === 'AbortError') return;
    clear(ui.facets);
    // A bad filter is reported by the list's search; here only say the facets are missing.
    ui.facets.append(h('li', 'muted', error?.status === 400 ? 'No facets for a search that was not accepted.' : `The facets could not be loaded: ${error?.message ?? error}`));
  } finally {
    if (controller === state.facetsController) ui.facets.removeAttribute('aria-busy');
  }
}

function showError(error) {
  const message = error?.status === 400
    ? `The search was not accepted: ${error.detail || error.message}`
    : `The search failed: ${error?.message ?? error}`;
  setStatus(ui.formError, message, true);
  setStatus(ui.status, '');
  ui.count.textContent = '';
}

// ---------------------------------------------------------------------------------------------
// Triage: marks on the cards, the "Your marks" filters and "Mark all read" for signed-in users; shortcuts for all

async function setUpTriage() {
  let account = { authenticated: false };
  try {
    account = await currentAccount();
  } catch (error) {
    console.warn('Monitor: could not read the account', error);
  }
  const signedIn = account.authenticated === true;
  state.triage = createTriage({ enabled: signedIn });
  installListKeys(ui.results, state.triage, createHelpDialog({ signedIn }));
  document.getElementById('triage-filters').hidden = !signedIn;
  const markAll = document.getElementById('mark-all-read');
  markAll.hidden = !signedIn;
  markAll.addEventListener('click', markAllRead);
  if (signedIn) loadLabels();
}

async function loadLabels() {
  try {
    const labels = await getJson('api/marks/labels');
    const options = clear(document.getElementById('labels-known'));
    for (const l of Array.isArray(labels) ? labels : []) {
      const option = document.createElement('option');
      option.value = asText(l.label);
      options.append(option);
    }
  } catch (error) {
    console.warn('Monitor: could not read the labels', error);
  }
}

/** Marks read every statement matching the search up to the newest one shown (POST api/marks/read-up-to, repeated while more). */
async function markAllRead() {
  const first = ui.results.querySelector(':scope > li.statement');
  if (!first) return;
  const button = document.getElementById('mark-all-read');
  button.disabled = true;
  try {
    const { sort, cursor, ...filters } = state.apiParams;
    void sort;
    void cursor;
    let total = 0;
    for (let round = 0; round < 100; round += 1) {
      const query = new URLSearchParams({ ...filters, statement: first.dataset.statementId }).toString();
      const result = await send('POST', `api/marks/read-up-to?${query}`);
      total += Number(result?.marked) || 0;
      if (result?.more !== true) break;
    }
    await state.triage.refresh();
    setStatus(ui.status, `${total.toLocaleString('en')} statement${total === 1 ? '' : 's'} marked read.`);
  } catch (error) {
    setStatus(ui.status, `Could not mark them read: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function main() {
  // Not a live page: the header's connection badge has nothing to report here.
  renderHeader('history').remove();
  startClock();
  fillChoices('types', Object.entries(DOCUMENT_TYPE_LABELS));

  await setUpTriage();
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = readForm();
    history.pushState(params, '', pageUrl(params));
    search(params);
  });
  ui.form.addEventListener('change', updatePicked);
  // The Statements | Events toggle sits above the results, outside the form element (its inputs name the form): a
  // change lists the other kind at once.
  document.getElementById('view-toggle').addEventListener('change', () => {
    const params = readForm();
    history.pushState(params, '', pageUrl(params));
    search(params);
  });
  ui.reset.addEventListener('click', () => {
    fillForm({});
    history.pushState({}, '', pageUrl({}));
    search({});
    document.getElementById('q').focus();
  });
  ui.loadMore.addEventListener('click', loadMore);
  window.addEventListener('popstate', () => {
    const params = paramsFromUrl();
    fillForm(params);
    search(params);
  });

  // Topic titles and source names first (both small), so chips and choices carry titles from the start.
  const [topics, sources] = await Promise.allSettled([loadTopics(), getJson('api/sources')]);
  if (topics.status === 'fulfilled' && topics.value.length > 0) {
    fillChoices('topics', topics.value.filter((t) => typeof t?.id === 'string').map((t) => [t.id, topicTitle(t.id)]));
  } else {
    setStatus(ui.choices.topics, 'Topics could not be loaded.', true);
  }
  if (sources.status === 'fulfilled' && Array.isArray(sources.value)) {
    const list = sources.value.filter((s) => typeof s?.id === 'string');
    for (const s of list) state.sourceNames.set(s.id, asText(s.name) || s.id);
    fillChoices('sources', list.map((s) => [s.id, `${asText(s.name) || s.id} (${s.id})`]));
  } else {
    setStatus(ui.choices.sources, 'Sources could not be loaded.', true);
  }

  const params = paramsFromUrl();
  fillForm(params);
  search(params);
}

main();
