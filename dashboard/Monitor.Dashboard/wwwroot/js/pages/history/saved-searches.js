// Saved searches on the history page (its own module: history.js knows nothing of it). The search shown (the page's
// URL, which history.js keeps in step with the last search) is saved with a name through POST api/saved-searches;
// the user's saved searches are listed with Open (the history page with the query restored), Atom feed (a new secret
// URL, shown once), Make alert (subscriptions.html pre-filled from it), Rename and Delete. Signed-in users only.
import { h, asText, setStatus, clear, pageLink } from '../../lib/dom.js';
import { getJson, send } from '../../lib/api.js';
import { currentAccount, hasRole, signInHref } from '../../lib/account.js';
import { actionButton, confirmButton, secretField } from '../../lib/forms.js';
import { loadTopics, topicTitle } from '../../lib/topics.js';
import { apiQueryOf, describeQuery, notForAlerts } from './saved-query.js';

const ui = {
  section: document.getElementById('saved-searches'),
  form: document.getElementById('save-search-form'),
  name: document.getElementById('save-search-name'),
  status: document.getElementById('saved-status'),
  list: document.getElementById('saved-list'),
  empty: document.getElementById('saved-empty'),
  secret: document.getElementById('saved-secret'),
  signIn: document.getElementById('saved-sign-in'),
};

let canAlert = false;

function showFeedUrl(name, feedUrl) {
  clear(ui.secret);
  if (typeof feedUrl !== 'string') return;
  ui.secret.append(
    h('p', 'secrets-note', `The Atom feed of “${name}”: its address is secret and shown only now. A new one (Atom feed) retires it.`),
    secretField('Feed URL', feedUrl, 'saved-feed-url'),
    actionButton('Done', 'secret-done', () => { clear(ui.secret); ui.secret.hidden = true; }),
  );
  ui.secret.hidden = false;
  ui.secret.querySelector('input')?.focus();
}

function renderItem(view) {
  const id = Number(view.id);
  const name = asText(view.name) || `search ${id}`;
  const item = h('li', 'saved-search');
  item.dataset.savedSearchId = String(id);
  const open = pageLink(asText(view.historyUrl).replace(/^\//, '') || 'history.html', {}, name, 'saved-open');
  open.setAttribute('aria-label', `Open “${name}”`);
  item.append(open, h('p', 'saved-query hint', describeQuery(asText(view.query), { topicTitle })));

  const actions = h('div', 'saved-actions');
  actions.append(actionButton('Atom feed', 'saved-feed', () => rotate(id, name, item), `New Atom feed URL for “${name}”`));
  if (canAlert) {
    const refused = notForAlerts(asText(view.query));
    if (refused.length === 0) {
      const alert = pageLink('subscriptions.html', { saved: id }, 'Make alert', 'button-small saved-alert');
      alert.setAttribute('aria-label', `Make alert of “${name}”`);
      actions.append(alert);
    } else {
      actions.append(h('span', 'hint saved-no-alert', `No alert: an alert cannot carry ${refused.join(', ')}.`));
    }
  }
  actions.append(actionButton('Rename', 'saved-rename', () => startRename(id, name, item), `Rename “${name}”`));
  actions.append(confirmButton({ label: `Delete “${name}”`, question: `Delete “${name}”?`, onConfirm: () => remove(id, name) }));
  item.append(actions);
  const message = h('p', 'status saved-item-status');
  message.setAttribute('role', 'status');
  message.hidden = true;
  item.append(message);
  return item;
}

function itemStatus(item, text, isError = false) {
  const element = item.querySelector('.saved-item-status');
  if (element) setStatus(element, text, isError);
}

function startRename(id, name, item) {
  if (item.querySelector('.saved-rename-form')) return;
  const form = h('form', 'saved-rename-form');
  const label = h('label', null, 'New name');
  const input = h('input');
  input.id = `saved-rename-${id}`;
  input.type = 'text';
  input.maxLength = 100;
  input.required = true;
  input.value = name;
  label.setAttribute('for', input.id);
  const save = h('button', 'button-small', 'Save name');
  save.type = 'submit';
  const cancel = actionButton('Cancel', 'saved-rename-cancel', () => form.remove());
  form.append(label, input, save, cancel);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await send('PUT', `api/saved-searches/${id}`, { name: input.value.trim() });
      await load(`Renamed to “${input.value.trim()}”.`);
    } catch (error) {
      itemStatus(item, error.detail || error.message, true);
    }
  });
  item.querySelector('.saved-actions').after(form);
  input.focus();
}

async function rotate(id, name, item) {
  try {
    const answer = await send('POST', `api/saved-searches/${id}/feed-token`);
    showFeedUrl(name, answer?.feedUrl);
  } catch (error) {
    itemStatus(item, error.detail || error.message, true);
  }
}

async function remove(id, name) {
  try {
    await send('DELETE', `api/saved-searches/${id}`);
    await load(`Deleted “${name}”.`);
  } catch (error) {
    setStatus(ui.status, error.detail || error.message, true);
  }
}

async function load(message = '') {
  try {
    const list = await getJson('api/saved-searches');
    clear(ui.list);
    for (const view of Array.isArray(list) ? list : []) ui.list.append(renderItem(view));
    ui.empty.hidden = ui.list.childElementCount > 0;
    setStatus(ui.status, message);
  } catch (error) {
    setStatus(ui.status, `Could not load your saved searches: ${error.message}`, true);
  }
}

async function save(event) {
  event.preventDefault();
  const name = ui.name.value.trim();
  if (name === '') {
    setStatus(ui.status, 'Give the search a name.', true);
    ui.name.focus();
    return;
  }
  try {
    const created = await send('POST', 'api/saved-searches', { name, query: apiQueryOf(location.search) });
    ui.name.value = '';
    await load(`Saved “${name}”.`);
    showFeedUrl(name, created?.feedUrl);
  } catch (error) {
    setStatus(ui.status, error.detail || error.message, true);
    ui.name.focus();
  }
}

async function main() {
  if (!ui.section) return;
  let account;
  try {
    account = await currentAccount();
  } catch {
    return;
  }
  if (!account.authenticated) {
    ui.signIn.setAttribute('href', signInHref());
    ui.signIn.closest('p').hidden = false;
    return;
  }
  canAlert = hasRole(account, 'analyst');
  ui.form.hidden = false;
  ui.form.addEventListener('submit', save);
  await loadTopics().catch(() => []);
  await load();
}

main();
