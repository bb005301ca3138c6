// Subscriptions (subscriptions.html, analysts and admins): the user's alert rules (GET api/subscriptions) as cards with
// enable / disable, edit, rotate, delete (confirmed on the page), and the page's start-up. Its parts, in
// js/pages/subscriptions/, know nothing of this file: they are given what to call.
//   form.js        the form that creates (POST) or edits (PUT) one with every field of SubscriptionRequest
//   request.js     (pure) the request a card is sent back as, the browser's checks, a card's summary lines
//   secrets.js     the feed URL and webhook secret, shown once after creation or rotation
//   deliveries.js  per subscription its deliveries (GET …/deliveries) with Replay for dead ones
//   from-saved.js  subscriptions.html?saved=N: the form pre-filled from saved search N (GET api/saved-searches/N/alert-draft)
//
// Names, queries and URLs the user typed are data like any feed text: they reach the DOM only through js/lib/dom.js.
import { h, asText, setStatus } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { requireAccount, hasRole } from '../lib/account.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { DOCUMENT_TYPE_LABELS } from '../lib/statements.js';
import { parseDate, timeElement, startClock } from '../lib/time.js';
import { actionButton, confirmButton } from '../lib/forms.js';
import { createSubscriptionForm } from './subscriptions/form.js';
import { createSecretsPanel } from './subscriptions/secrets.js';
import { renderDeliveries } from './subscriptions/deliveries.js';
import { summaryRows, toRequest } from './subscriptions/request.js';
import { prefillFromSavedSearch } from './subscriptions/from-saved.js';

const ui = {
  layout: document.getElementById('subscriptions-layout'),
  pageStatus: document.getElementById('page-status'),
  list: document.getElementById('subscriptions'),
  status: document.getElementById('subscriptions-status'),
  empty: document.getElementById('subscriptions-empty'),
};

const state = {
  subscriptions: new Map(), // id -> { view, element }
  sourceNames: new Map(),
};

const form = createSubscriptionForm({ onSaved: saved });
let secrets = null;

// ---------------------------------------------------------------------------------------------
// After the form saved

function saved(answer, { id, request }) {
  if (id === null) {
    upsert(answer);
    secrets.show(answer, `“${asText(answer?.name)}” is created.`, [
      ['Atom feed URL', answer?.feedUrl, 'secret-feed-url'],
      ['Webhook secret', answer?.webhookSecret, 'secret-webhook'],
    ]);
  } else {
    upsert(answer ?? { ...state.subscriptions.get(id)?.view, ...request, id });
    if (answer?.webhookSecret) {
      // A webhook added by this change got its first secret.
      secrets.show(answer, `The webhook of “${asText(answer.name)}” signs with this secret.`, [['Webhook secret', answer.webhookSecret, 'secret-webhook']]);
    } else {
      state.subscriptions.get(id)?.element.querySelector('.edit')?.focus();
    }
  }
  updateEmpty();
}

// ---------------------------------------------------------------------------------------------
// The list

const KIND_BADGES = { statements: 'Statements', spike: 'Spike', briefing: 'Briefing', event: 'Event' };

function renderSubscription(view) {
  const id = Number(view.id);
  const name = asText(view.name) || `subscription ${id}`;
  const item = h('li', 'card subscription');
  item.dataset.subscriptionId = String(id);
  item.dataset.enabled = String(view.enabled !== false);

  const head = h('div', 'card-head');
  head.append(h('h3', 'card-title', name));
  const flags = h('p', 'card-flags');
  flags.append(h('span', 'badge', KIND_BADGES[view.kind] ?? 'Statements'));
  flags.append(view.enabled === false ? h('span', 'badge badge-off', 'Disabled') : h('span', 'badge badge-on', 'Enabled'));
  head.append(flags);
  item.append(head);

  const facts = h('dl', 'facts');
  const names = {
    topicTitle,
    sourceName: (s) => state.sourceNames.get(s) ?? s,
    typeLabel: (t) => DOCUMENT_TYPE_LABELS[t] ?? t,
  };
  for (const [label, text] of summaryRows(view, names)) facts.append(h('dt', null, label), h('dd', null, text));
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
    actionButton('Edit', 'edit', () => edit(id), `Edit “${name}”`),
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

function edit(id) {
  const entry = state.subscriptions.get(id);
  if (entry) form.startEditing(id, entry.view);
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
      secrets.show(entry.view, `The feed URL of “${asText(entry.view.name)}” is new; the old one no longer works.`,
        [['Atom feed URL', answer?.feedUrl, 'secret-feed-url']]);
    } else {
      const answer = await send('POST', `api/subscriptions/${id}/webhook-secret`);
      secrets.show(entry.view, `The webhook secret of “${asText(entry.view.name)}” is new; signatures use it from now on.`,
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
    if (form.editing === id) form.stopEditing();
    updateEmpty();
    setStatus(ui.pageStatus, `Deleted “${asText(entry?.view.name)}”.`);
    ui.list.closest('section')?.querySelector('h2')?.setAttribute('tabindex', '-1');
    ui.list.closest('section')?.querySelector('h2')?.focus();
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
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
    form.setSources(entries.sort((a, b) => a[1].localeCompare(b[1])));
  } catch (error) {
    form.sourcesFailed(`Could not load sources: ${error.message}`);
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
  form.init(Object.entries(DOCUMENT_TYPE_LABELS));
  secrets = createSecretsPanel();
  const [topics] = await Promise.all([loadTopics(), loadSources()]);
  form.setTopics(topics.filter((t) => t && typeof t.id === 'string').map((t) => [t.id, topicTitle(t.id)]));
  await loadSubscriptions();
  await prefillFromSavedSearch(form);
}

main();
