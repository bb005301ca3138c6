// Subscriptions (subscriptions.html, analysts and admins): the user's alert rules (GET api/subscriptions), a form that
// creates (POST) or edits (PUT) one with every field of SubscriptionRequest, enable / disable, delete (confirmed on the
// page), the feed URL and webhook secret shown once after creation or rotation, and per subscription its deliveries
// (GET …/deliveries) with Replay for dead ones.
//
// Names, queries and URLs the user typed are data like any feed text: they reach the DOM only through js/lib/dom.js.
import { h, asText, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { requireAccount, hasRole } from '../lib/account.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { DOCUMENT_TYPE_LABELS } from '../lib/statements.js';
import { parseDate, timeElement, absoluteFormat, startClock } from '../lib/time.js';
import { actionButton, confirmButton, secretField } from '../lib/forms.js';

const DELIVERY_STATES = ['pending', 'delivered', 'dead'];

const form = document.getElementById('subscription-form');
const ui = {
  layout: document.getElementById('subscriptions-layout'),
  pageStatus: document.getElementById('page-status'),
  list: document.getElementById('subscriptions'),
  status: document.getElementById('subscriptions-status'),
  empty: document.getElementById('subscriptions-empty'),
  heading: document.getElementById('form-heading'),
  error: document.getElementById('subscription-error'),
  submit: document.getElementById('subscription-submit'),
  cancel: document.getElementById('subscription-cancel'),
  name: document.getElementById('sub-name'),
  enabled: document.getElementById('sub-enabled'),
  topics: document.getElementById('sub-topics'),
  sources: document.getElementById('sub-sources'),
  types: document.getElementById('sub-types'),
  sourcesPicked: document.getElementById('sources-picked'),
  typesPicked: document.getElementById('types-picked'),
  spikeFields: document.getElementById('spike-fields'),
  spikeWindow: document.getElementById('sub-spike-window'),
  spikeFactor: document.getElementById('sub-spike-factor'),
  minScore: document.getElementById('sub-min-score'),
  query: document.getElementById('sub-query'),
  drift: document.getElementById('sub-drift'),
  history: document.getElementById('sub-history'),
  delivery: document.getElementById('sub-delivery'),
  digestHourField: document.getElementById('digest-hour-field'),
  digestHour: document.getElementById('sub-digest-hour'),
  timeZone: document.getElementById('sub-time-zone'),
  quiet: document.getElementById('sub-quiet'),
  quietFields: document.getElementById('quiet-fields'),
  quietStart: document.getElementById('sub-quiet-start'),
  quietEnd: document.getElementById('sub-quiet-end'),
  inApp: document.getElementById('sub-in-app'),
  email: document.getElementById('sub-email'),
  webhook: document.getElementById('sub-webhook'),
  webhookFields: document.getElementById('webhook-fields'),
  webhookUrl: document.getElementById('sub-webhook-url'),
  webhookFormat: document.getElementById('sub-webhook-format'),
  secrets: document.getElementById('subscription-secrets'),
  secretsIntro: document.getElementById('secrets-intro'),
  secretsItems: document.getElementById('secrets-items'),
  secretsDone: document.getElementById('secrets-done'),
};

const state = {
  subscriptions: new Map(), // id -> { view, element }
  editing: null, // id of the subscription in the form, or null for a new one
  sourceNames: new Map(),
  defaultTimeZone: 'UTC',
};

// ---------------------------------------------------------------------------------------------
// The form

function choice(name, value, text) {
  const label = h('label', 'choice');
  const input = h('input');
  input.type = 'checkbox';
  input.name = name;
  input.value = value;
  label.append(input, ' ', h('span', null, text));
  return label;
}

function fillChoices(container, name, entries) {
  clear(container);
  for (const [value, text] of entries) container.append(choice(name, value, text));
  if (entries.length === 0) container.append(h('p', 'muted', 'None available.'));
}

function checked(container) {
  return [...container.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
}

function setChecked(container, values) {
  const wanted = new Set(values ?? []);
  for (const input of container.querySelectorAll('input[type=checkbox]')) input.checked = wanted.has(input.value);
  // Values the page does not list (a source since removed) are kept as checked options, so saving keeps them.
  for (const value of wanted) {
    if (![...container.querySelectorAll('input[type=checkbox]')].some((input) => input.value === value)) {
      const label = choice(container.dataset.name ?? '', value, `${value} (unknown)`);
      label.querySelector('input').checked = true;
      container.append(label);
    }
  }
}

function radioValue(name) {
  return form.querySelector(`input[name=${name}]:checked`)?.value;
}

function setRadio(name, value) {
  for (const input of form.querySelectorAll(`input[name=${name}]`)) input.checked = input.value === value;
}

function fillTimeZones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  try {
    state.defaultTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    state.defaultTimeZone = 'UTC';
  }
  const all = new Set(['UTC', ...zones, state.defaultTimeZone]);
  clear(ui.timeZone);
  for (const zone of [...all].sort()) {
    const option = h('option', null, zone);
    option.value = zone;
    ui.timeZone.append(option);
  }
  ui.timeZone.value = state.defaultTimeZone;
}

function ensureTimeZone(zone) {
  if (![...ui.timeZone.options].some((o) => o.value === zone)) {
    const option = h('option', null, zone);
    option.value = zone;
    ui.timeZone.append(option);
  }
  ui.timeZone.value = zone;
}

/** Shows the fields that apply: spike settings, the digest hour, quiet hours, the webhook. */
function syncForm() {
  const spike = radioValue('kind') === 'spike';
  ui.spikeFields.hidden = !spike;
  ui.digestHourField.hidden = ui.delivery.value !== 'daily';
  ui.quietFields.hidden = !ui.quiet.checked;
  ui.webhookFields.hidden = !ui.webhook.checked;
  const sources = checked(ui.sources).length;
  ui.sourcesPicked.textContent = sources === 0 ? '(every source)' : `(${sources} chosen)`;
  const types = checked(ui.types).length;
  ui.typesPicked.textContent = types === 0 ? '(every type)' : `(${types} chosen)`;
}

function number(input, fallback) {
  const value = Number.parseFloat(input.value);
  return Number.isFinite(value) ? value : fallback;
}

/** The form as a SubscriptionRequest. */
function readForm() {
  const query = ui.query.value.trim();
  const spike = radioValue('kind') === 'spike';
  return {
    name: ui.name.value.trim(),
    kind: spike ? 'spike' : 'statements',
    enabled: ui.enabled.checked,
    topics: checked(ui.topics),
    topicMatch: radioValue('topicMatch') === 'all' ? 'all' : 'any',
    sources: checked(ui.sources),
    documentTypes: checked(ui.types),
    minScore: number(ui.minScore, 0),
    query: query === '' ? null : query,
    driftOnly: ui.drift.checked,
    includeHistory: ui.history.checked,
    // Only a spike subscription has a window and a factor.
    spikeWindowHours: spike ? Math.round(number(ui.spikeWindow, 24)) : null,
    spikeFactor: spike ? number(ui.spikeFactor, 3) : null,
    quietHours: ui.quiet.checked ? { start: ui.quietStart.value, end: ui.quietEnd.value } : null,
    timeZone: ui.timeZone.value || 'UTC',
    delivery: ui.delivery.value,
    digestHour: Math.round(number(ui.digestHour, 8)),
    channels: {
      inApp: ui.inApp.checked,
      email: ui.email.checked,
      webhook: ui.webhook.checked ? { url: ui.webhookUrl.value.trim(), format: ui.webhookFormat.value === 'chat' ? 'chat' : 'json' } : null,
    },
  };
}

/** A SubscriptionView (or nothing: the defaults of a new subscription) into the form. */
function writeForm(view) {
  const v = view ?? {};
  ui.name.value = asText(v.name);
  setRadio('kind', v.kind === 'spike' ? 'spike' : 'statements');
  ui.enabled.checked = v.enabled !== false;
  setChecked(ui.topics, v.topics);
  setRadio('topicMatch', v.topicMatch === 'all' ? 'all' : 'any');
  setChecked(ui.sources, v.sources);
  setChecked(ui.types, v.documentTypes);
  ui.minScore.value = String(typeof v.minScore === 'number' ? v.minScore : 0);
  ui.query.value = asText(v.query);
  ui.drift.checked = v.driftOnly === true;
  ui.history.checked = v.includeHistory === true;
  ui.spikeWindow.value = String(typeof v.spikeWindowHours === 'number' ? v.spikeWindowHours : 24);
  ui.spikeFactor.value = String(typeof v.spikeFactor === 'number' ? v.spikeFactor : 3);
  ui.quiet.checked = v.quietHours !== null && v.quietHours !== undefined;
  ui.quietStart.value = asText(v.quietHours?.start) || '22:00';
  ui.quietEnd.value = asText(v.quietHours?.end) || '07:00';
  ensureTimeZone(asText(v.timeZone) || state.defaultTimeZone);
  ui.delivery.value = ['immediate', 'hourly', 'daily'].includes(v.delivery) ? v.delivery : 'immediate';
  ui.digestHour.value = String(typeof v.digestHour === 'number' ? v.digestHour : 8);
  ui.inApp.checked = view ? v.channels?.inApp === true : true;
  ui.email.checked = v.channels?.email === true;
  ui.webhook.checked = Boolean(v.channels?.webhook);
  ui.webhookUrl.value = asText(v.channels?.webhook?.url);
  ui.webhookFormat.value = v.channels?.webhook?.format === 'chat' ? 'chat' : 'json';
  syncForm();
}

/** What the browser can check before the server does; the server's 400 message is shown the same way. */
function validate(request) {
  if (request.name === '') return [ui.name, 'Give the subscription a name.'];
  if (request.kind === 'spike' && request.topics.length === 0) return [ui.topics.querySelector('input'), 'A spike subscription needs at least one topic.'];
  if (!request.channels.inApp && !request.channels.email && !request.channels.webhook) {
    return [ui.inApp, 'Choose at least one channel (every subscription also has its Atom feed).'];
  }
  if (request.channels.webhook && request.channels.webhook.url === '') return [ui.webhookUrl, 'Enter the webhook URL.'];
  return null;
}

function startEditing(id) {
  const entry = state.subscriptions.get(id);
  if (!entry) return;
  state.editing = id;
  writeForm(entry.view);
  ui.heading.textContent = `Edit “${asText(entry.view.name)}”`;
  ui.submit.textContent = 'Save changes';
  ui.cancel.hidden = false;
  setStatus(ui.error, '');
  ui.name.focus();
  form.scrollIntoView({ block: 'start' });
}

function stopEditing() {
  state.editing = null;
  writeForm(null);
  ui.heading.textContent = 'New subscription';
  ui.submit.textContent = 'Create subscription';
  ui.cancel.hidden = true;
  setStatus(ui.error, '');
}

async function submit(event) {
  event.preventDefault();
  const request = readForm();
  const problem = validate(request);
  if (problem) {
    setStatus(ui.error, problem[1], true);
    problem[0]?.focus();
    return;
  }
  ui.submit.disabled = true;
  setStatus(ui.error, '');
  try {
    if (state.editing === null) {
      const created = await send('POST', 'api/subscriptions', request);
      upsert(created);
      stopEditing();
      showSecrets(created, `“${asText(created?.name)}” is created.`, [
        ['Atom feed URL', created?.feedUrl, 'secret-feed-url'],
        ['Webhook secret', created?.webhookSecret, 'secret-webhook'],
      ]);
    } else {
      const id = state.editing;
      const updated = await send('PUT', `api/subscriptions/${id}`, request);
      upsert(updated ?? { ...state.subscriptions.get(id)?.view, ...request, id });
      stopEditing();
      if (updated?.webhookSecret) {
        // A webhook added by this change got its first secret.
        showSecrets(updated, `The webhook of “${asText(updated.name)}” signs with this secret.`, [['Webhook secret', updated.webhookSecret, 'secret-webhook']]);
      } else {
        state.subscriptions.get(id)?.element.querySelector('.edit')?.focus();
      }
    }
    updateEmpty();
  } catch (error) {
    setStatus(ui.error, error.detail || error.message, true);
  } finally {
    ui.submit.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets, shown once

/** items: [label, value, id]; an item without a value is left out. */
function showSecrets(subscription, intro, items) {
  clear(ui.secretsItems);
  for (const [label, value, id] of items) {
    if (typeof value === 'string' && value !== '') ui.secretsItems.append(secretField(label, value, id));
  }
  ui.secretsIntro.textContent = intro;
  ui.secrets.dataset.subscriptionId = String(subscription?.id ?? '');
  ui.secrets.hidden = ui.secretsItems.children.length === 0;
  if (!ui.secrets.hidden) ui.secrets.focus();
}

function hideSecrets() {
  clear(ui.secretsItems);
  ui.secrets.hidden = true;
}

// ---------------------------------------------------------------------------------------------
// The list

function topicList(view) {
  const topics = Array.isArray(view.topics) ? view.topics : [];
  if (topics.length === 0) return 'any topic';
  return topics.map(topicTitle).join(view.topicMatch === 'all' ? ' and ' : ' or ');
}

function summaryRows(view) {
  const rows = [];
  if (view.kind === 'spike') {
    rows.push(['Watches', `${topicList(view)}: more than ${view.spikeFactor}× the usual rate over ${view.spikeWindowHours} h`]);
  } else {
    const parts = [topicList(view)];
    const sources = Array.isArray(view.sources) ? view.sources : [];
    parts.push(sources.length ? `from ${sources.map((s) => state.sourceNames.get(s) ?? s).join(', ')}` : 'every source');
    const types = Array.isArray(view.documentTypes) ? view.documentTypes : [];
    if (types.length) parts.push(types.map((t) => DOCUMENT_TYPE_LABELS[t] ?? t).join(', '));
    if (typeof view.minScore === 'number' && view.minScore > 0) parts.push(`score ≥ ${view.minScore.toFixed(2)}`);
    if (asText(view.query) !== '') parts.push(`words: “${asText(view.query)}”`);
    if (view.driftOnly) parts.push('figure drift only');
    if (view.includeHistory) parts.push('backfilled history too');
    rows.push(['Matches', parts.join(' · ')]);
  }
  const zone = asText(view.timeZone) || 'UTC';
  const delivery = view.delivery === 'hourly' ? 'hourly digest'
    : view.delivery === 'daily' ? `daily digest at ${String(view.digestHour ?? 0).padStart(2, '0')}:00 (${zone})` : 'immediately';
  rows.push(['Delivery', delivery]);
  const channels = [];
  if (view.channels?.inApp) channels.push('in-app');
  if (view.channels?.email) channels.push('email');
  if (view.channels?.webhook) channels.push(`webhook (${view.channels.webhook.format === 'chat' ? 'chat' : 'JSON'}) to ${asText(view.channels.webhook.url)}`);
  channels.push('Atom feed');
  rows.push(['Channels', channels.join(', ')]);
  if (view.quietHours) rows.push(['Quiet hours', `${asText(view.quietHours.start)}–${asText(view.quietHours.end)} (${zone})`]);
  return rows;
}

function renderSubscription(view) {
  const id = Number(view.id);
  const name = asText(view.name) || `subscription ${id}`;
  const item = h('li', 'card subscription');
  item.dataset.subscriptionId = String(id);
  item.dataset.enabled = String(view.enabled !== false);

  const head = h('div', 'card-head');
  head.append(h('h3', 'card-title', name));
  const flags = h('p', 'card-flags');
  flags.append(h('span', 'badge', view.kind === 'spike' ? 'Spike' : 'Statements'));
  flags.append(view.enabled === false ? h('span', 'badge badge-off', 'Disabled') : h('span', 'badge badge-on', 'Enabled'));
  head.append(flags);
  item.append(head);

  const facts = h('dl', 'facts');
  for (const [label, text] of summaryRows(view)) facts.append(h('dt', null, label), h('dd', null, text));
  const updated = parseDate(view.updatedAt) ?? parseDate(view.createdAt);
  if (updated) {
    const dd = h('dd');
    dd.append(timeElement(updated));
    facts.append(h('dt', null, 'Changed'), dd);
  }
  item.append(facts);

  const actions = h('div', 'card-actions');
  actions.append(
    actionButton(view.enabled === false ? 'Enable' : 'Disable', 'toggle', () => toggle(id), `${view.enabled === false ? 'Enable' : 'Disable'} “${name}”`),
    actionButton('Edit', 'edit', () => startEditing(id), `Edit “${name}”`),
    actionButton('Rotate feed URL', 'rotate-feed', () => rotate(id, 'feed'), `Rotate feed URL of “${name}”`),
  );
  if (view.channels?.webhook) {
    actions.append(actionButton('Rotate webhook secret', 'rotate-secret', () => rotate(id, 'webhook'), `Rotate webhook secret of “${name}”`));
  }
  actions.append(confirmButton({ label: `Delete “${name}”`, question: `Delete “${name}” and its alerts?`, onConfirm: () => remove(id) }));
  item.append(actions);
  const message = h('p', 'status card-status');
  message.setAttribute('role', 'status');
  message.hidden = true;
  item.append(message);
  item.append(renderDeliveries(id));
  return item;
}

function cardStatus(id, text, isError = false) {
  const element = state.subscriptions.get(id)?.element.querySelector('.card-status');
  if (element) setStatus(element, text, isError);
}

function upsert(answer) {
  const id = Number(answer?.id);
  if (!Number.isSafeInteger(id)) return;
  // The secrets of a create or rotate answer are shown once and not kept.
  const { feedUrl: _feedUrl, webhookSecret: _webhookSecret, ...view } = answer;
  const existing = state.subscriptions.get(id);
  const element = renderSubscription(view);
  if (existing) existing.element.replaceWith(element);
  else ui.list.append(element);
  state.subscriptions.set(id, { view, element });
}

function updateEmpty() {
  ui.empty.hidden = state.subscriptions.size !== 0 || !ui.status.hidden;
}

/** The request a view would be sent back as (for enable / disable). */
function toRequest(view) {
  return {
    name: view.name, kind: view.kind, enabled: view.enabled, topics: view.topics ?? [], topicMatch: view.topicMatch ?? 'any',
    sources: view.sources ?? [], documentTypes: view.documentTypes ?? [], minScore: view.minScore ?? 0, query: view.query ?? null,
    driftOnly: view.driftOnly === true, includeHistory: view.includeHistory === true, spikeWindowHours: view.spikeWindowHours ?? null, spikeFactor: view.spikeFactor ?? null,
    quietHours: view.quietHours ?? null, timeZone: view.timeZone ?? 'UTC', delivery: view.delivery ?? 'immediate',
    digestHour: view.digestHour ?? 8, channels: view.channels ?? { inApp: true, email: false, webhook: null },
  };
}

async function toggle(id) {
  const entry = state.subscriptions.get(id);
  if (!entry) return;
  const request = { ...toRequest(entry.view), enabled: entry.view.enabled === false };
  try {
    const updated = await send('PUT', `api/subscriptions/${id}`, request);
    upsert(updated ?? { ...entry.view, enabled: request.enabled });
    const element = state.subscriptions.get(id).element;
    element.querySelector('.toggle')?.focus();
    cardStatus(id, request.enabled ? 'Enabled.' : 'Disabled: it raises no alerts until enabled again.');
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
}

async function rotate(id, what) {
  const entry = state.subscriptions.get(id);
  if (!entry) return;
  try {
    if (what === 'feed') {
      const answer = await send('POST', `api/subscriptions/${id}/feed-token`);
      showSecrets(entry.view, `The feed URL of “${asText(entry.view.name)}” is new; the old one no longer works.`,
        [['Atom feed URL', answer?.feedUrl, 'secret-feed-url']]);
    } else {
      const answer = await send('POST', `api/subscriptions/${id}/webhook-secret`);
      showSecrets(entry.view, `The webhook secret of “${asText(entry.view.name)}” is new; signatures use it from now on.`,
        [['Webhook secret', answer?.webhookSecret, 'secret-webhook']]);
    }
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
}

async function remove(id) {
  try {
    await send('DELETE', `api/subscriptions/${id}`);
    const entry = state.subscriptions.get(id);
    entry?.element.remove();
    state.subscriptions.delete(id);
    if (state.editing === id) stopEditing();
    updateEmpty();
    setStatus(ui.pageStatus, `Deleted “${asText(entry?.view.name)}”.`);
    ui.list.closest('section')?.querySelector('h2')?.setAttribute('tabindex', '-1');
    ui.list.closest('section')?.querySelector('h2')?.focus();
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Deliveries (webhook and email sends) per subscription

function renderDeliveries(subscriptionId) {
  const box = h('details', 'deliveries');
  const summary = h('summary', null, 'Deliveries');
  const filterId = `deliveries-state-${subscriptionId}`;
  const filter = h('div', 'deliveries-filter');
  const label = h('label', null, 'Show');
  label.setAttribute('for', filterId);
  const select = h('select');
  select.id = filterId;
  for (const [value, text] of [['', 'all'], ...DELIVERY_STATES.map((s) => [s, s])]) {
    const option = h('option', null, text);
    option.value = value;
    select.append(option);
  }
  const refresh = actionButton('Refresh', 'refresh', () => load(), undefined);
  filter.append(label, select, refresh);
  const status = h('p', 'status');
  status.setAttribute('role', 'status');
  const list = h('ul', 'delivery-list');
  list.setAttribute('aria-label', 'Deliveries');
  box.append(summary, filter, status, list);

  async function load() {
    setStatus(status, 'Loading deliveries…');
    try {
      const deliveries = await getJson(`api/subscriptions/${subscriptionId}/deliveries`, { state: select.value });
      if (!Array.isArray(deliveries)) throw new Error('the answer is not a list');
      clear(list);
      for (const delivery of deliveries) list.append(renderDelivery(delivery, load));
      setStatus(status, deliveries.length === 0 ? 'No deliveries (in-app alerts are in the inbox; email and webhook sends show here).' : '');
    } catch (error) {
      setStatus(status, `Could not load deliveries: ${error.message}`, true);
    }
  }
  box.addEventListener('toggle', () => {
    if (box.open) load();
  });
  select.addEventListener('change', load);
  return box;
}

function renderDelivery(delivery, reload) {
  const deliveryState = DELIVERY_STATES.includes(delivery?.state) ? delivery.state : 'pending';
  const item = h('li', 'delivery');
  item.dataset.deliveryId = String(delivery?.id ?? '');
  item.dataset.state = deliveryState;
  const head = h('p', 'delivery-head');
  head.append(h('span', `badge delivery-state state-${deliveryState}`, deliveryState), ' ',
    h('span', 'delivery-channel', asText(delivery?.channel)), ' ');
  const created = parseDate(delivery?.createdAt);
  if (created) head.append(timeElement(created));
  item.append(head);
  const facts = h('dl', 'facts facts-compact');
  const attempts = Number(delivery?.attempts) || 0;
  facts.append(h('dt', null, 'Attempts'), h('dd', null, String(attempts)));
  if (delivery?.lastStatus !== null && delivery?.lastStatus !== undefined) facts.append(h('dt', null, 'Last answer'), h('dd', null, asText(delivery.lastStatus)));
  const delivered = parseDate(delivery?.deliveredAt);
  if (delivered) facts.append(h('dt', null, 'Delivered'), h('dd', null, absoluteFormat.format(delivered)));
  const next = parseDate(delivery?.nextAttemptAt);
  if (next && deliveryState === 'pending') facts.append(h('dt', null, 'Next attempt'), h('dd', null, absoluteFormat.format(next)));
  const alertIds = Array.isArray(delivery?.alertIds) ? delivery.alertIds : [];
  if (alertIds.length > 1) facts.append(h('dt', null, 'Alerts'), h('dd', null, `${alertIds.length} (digest)`));
  item.append(facts);
  const lastError = asText(delivery?.lastError).trim();
  if (lastError !== '') item.append(h('p', 'delivery-error', lastError));
  if (deliveryState === 'dead') {
    const replay = actionButton('Replay', 'replay', async () => {
      replay.disabled = true;
      try {
        await send('POST', `api/deliveries/${delivery.id}/replay`);
        await reload();
      } catch (error) {
        replay.disabled = false;
        item.append(h('p', 'delivery-error', `Replay failed: ${error.detail || error.message}`));
      }
    }, `Replay delivery ${delivery?.id}`);
    item.append(replay);
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// Start-up

async function loadSources() {
  try {
    const sources = await getJson('api/sources');
    const entries = (Array.isArray(sources) ? sources : [])
      .filter((s) => s && typeof s.id === 'string')
      .map((s) => [s.id, asText(s.name) || s.id]);
    for (const [id, name] of entries) state.sourceNames.set(id, name);
    fillChoices(ui.sources, 'sources', entries.sort((a, b) => a[1].localeCompare(b[1])));
  } catch (error) {
    clear(ui.sources).append(h('p', 'status status-error', `Could not load sources: ${error.message}`));
  }
}

async function loadSubscriptions() {
  try {
    const list = await getJson('api/subscriptions');
    if (!Array.isArray(list)) throw new Error('GET api/subscriptions did not answer a JSON array');
    for (const view of list) upsert(view);
    setStatus(ui.status, '');
  } catch (error) {
    setStatus(ui.status, `Could not load your subscriptions: ${error.message}`, true);
  }
  updateEmpty();
}

async function main() {
  renderHeader('subscriptions').remove(); // not a live page
  const account = await requireAccount();
  if (!account) return;
  if (!hasRole(account, 'analyst')) {
    setStatus(ui.pageStatus, 'Subscriptions need the analyst role; ask an administrator. Your alerts are in the Alerts inbox.', true);
    return;
  }
  ui.layout.hidden = false;
  startClock();
  ui.types.dataset.name = 'documentTypes';
  ui.sources.dataset.name = 'sources';
  ui.topics.dataset.name = 'topics';
  fillChoices(ui.types, 'documentTypes', Object.entries(DOCUMENT_TYPE_LABELS));
  fillTimeZones();
  form.addEventListener('submit', submit);
  form.addEventListener('change', syncForm);
  ui.cancel.addEventListener('click', stopEditing);
  ui.secretsDone.addEventListener('click', hideSecrets);
  // The form's defaults now, before anything is awaited: the user may type while topics and sources load.
  writeForm(null);
  const [topics] = await Promise.all([loadTopics(), loadSources()]);
  fillChoices(ui.topics, 'topics', topics.filter((t) => t && typeof t.id === 'string').map((t) => [t.id, topicTitle(t.id)]));
  syncForm();
  await loadSubscriptions();
}

main();
