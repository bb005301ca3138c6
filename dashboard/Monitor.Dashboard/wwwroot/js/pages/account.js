// Account (account.html): who you are, your password (POST api/account/password) and your API tokens
// (GET/POST api/account/tokens, DELETE api/account/tokens/{id}); a new token is shown once in #new-token.
import { h, asText, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { requireAccount } from '../lib/account.js';
import { parseDate, timeElement, startClock } from '../lib/time.js';
import { confirmButton, secretField } from '../lib/forms.js';

const ui = {
  facts: document.getElementById('account-facts'),
  tokens: document.getElementById('tokens'),
  tokensStatus: document.getElementById('tokens-status'),
  tokensEmpty: document.getElementById('tokens-empty'),
  newToken: document.getElementById('new-token'),
  newTokenField: document.getElementById('new-token-field'),
  tokenForm: document.getElementById('token-form'),
  tokenName: document.getElementById('token-name'),
  tokenExpires: document.getElementById('token-expires'),
  tokenError: document.getElementById('token-error'),
  passwordForm: document.getElementById('password-form'),
  passwordExternal: document.getElementById('password-external'),
  current: document.getElementById('current-password'),
  next: document.getElementById('new-password'),
  repeat: document.getElementById('repeat-password'),
  passwordError: document.getElementById('password-error'),
  passwordDone: document.getElementById('password-done'),
};

const tokens = new Map(); // id -> element

function renderFacts(account) {
  clear(ui.facts);
  const rows = [['User name', account.userName], ['Name', account.displayName], ['Email', account.email], ['Role', account.role]];
  for (const [label, value] of rows) {
    if (asText(value) === '') continue;
    ui.facts.append(h('dt', null, label), h('dd', null, asText(value)));
  }
  // Kept but not running: the role (viewer) allows no subscriptions. An admin can restore the role or remove them.
  const suspended = Number(account.suspendedSubscriptions) || 0;
  if (suspended > 0) {
    ui.facts.append(h('dt', null, 'Subscriptions'),
      h('dd', 'suspended-note', `${suspended} suspended: your role allows no subscriptions, so they raise no alerts and their feeds are off. Ask an admin.`));
  }
}

function dateOrWord(value, word) {
  const date = parseDate(value);
  return date ? timeElement(date) : h('span', 'muted', word);
}

function renderToken(token) {
  const id = Number(token.id);
  const name = asText(token.name) || `token ${id}`;
  const item = h('li', 'card token');
  item.dataset.tokenId = String(id);
  const head = h('div', 'card-head');
  head.append(h('h3', 'card-title', name), h('code', 'token-prefix', `${asText(token.prefix)}…`));
  const facts = h('dl', 'facts facts-compact');
  const row = (label, value) => {
    const dd = h('dd');
    dd.append(value);
    facts.append(h('dt', null, label), dd);
  };
  row('Created', dateOrWord(token.createdAt, 'unknown'));
  row('Expires', dateOrWord(token.expiresAt, 'never'));
  row('Last used', dateOrWord(token.lastUsedAt, 'never'));
  const status = h('p', 'status card-status');
  status.setAttribute('role', 'status');
  status.hidden = true;
  const actions = h('div', 'card-actions');
  actions.append(confirmButton({
    text: 'Revoke', className: 'revoke', label: `Revoke “${name}”`, question: `Revoke “${name}”? Scripts using it stop working.`, yesText: 'Yes, revoke',
    onConfirm: async () => {
      try {
        await send('DELETE', `api/account/tokens/${id}`);
        item.remove();
        tokens.delete(id);
        updateEmpty();
        setStatus(ui.tokensStatus, `Revoked “${name}”.`);
      } catch (error) {
        setStatus(status, error.detail || error.message, true);
      }
    },
  }));
  item.append(head, facts, actions, status);
  return item;
}

function updateEmpty() {
  ui.tokensEmpty.hidden = tokens.size !== 0 || (!ui.tokensStatus.hidden && ui.tokensStatus.textContent.startsWith('Loading'));
}

function addToken(token) {
  const id = Number(token?.id);
  if (!Number.isSafeInteger(id)) return;
  const element = renderToken(token);
  tokens.get(id)?.replaceWith(element);
  if (!tokens.has(id)) ui.tokens.append(element);
  tokens.set(id, element);
}

async function loadTokens() {
  try {
    const list = await getJson('api/account/tokens');
    if (!Array.isArray(list)) throw new Error('GET api/account/tokens did not answer a JSON array');
    for (const token of list) addToken(token);
    setStatus(ui.tokensStatus, '');
  } catch (error) {
    setStatus(ui.tokensStatus, `Could not load your tokens: ${error.message}`, true);
  }
  updateEmpty();
}

async function createToken(event) {
  event.preventDefault();
  const name = ui.tokenName.value.trim();
  if (name === '') {
    setStatus(ui.tokenError, 'Give the token a name.', true);
    ui.tokenName.focus();
    return;
  }
  const days = Number.parseInt(ui.tokenExpires.value, 10);
  const button = ui.tokenForm.querySelector('button[type=submit]');
  button.disabled = true;
  setStatus(ui.tokenError, '');
  try {
    const created = await send('POST', 'api/account/tokens', { name, expiresInDays: Number.isFinite(days) ? days : null });
    addToken(created);
    updateEmpty();
    setStatus(ui.tokensStatus, '');
    ui.newTokenField.replaceChildren(secretField(`Token “${name}”`, asText(created?.token), 'new-token-value'));
    ui.newToken.hidden = false;
    ui.newToken.focus();
    ui.tokenName.value = '';
  } catch (error) {
    setStatus(ui.tokenError, error.detail || error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function changePassword(event) {
  event.preventDefault();
  setStatus(ui.passwordDone, '');
  if (ui.current.value === '' || ui.next.value === '') {
    setStatus(ui.passwordError, 'Enter your current and your new password.', true);
    (ui.current.value === '' ? ui.current : ui.next).focus();
    return;
  }
  if (ui.next.value !== ui.repeat.value) {
    setStatus(ui.passwordError, 'The new password and its repetition differ.', true);
    ui.repeat.focus();
    return;
  }
  const button = ui.passwordForm.querySelector('button[type=submit]');
  button.disabled = true;
  setStatus(ui.passwordError, '');
  try {
    await send('POST', 'api/account/password', { currentPassword: ui.current.value, newPassword: ui.next.value });
    ui.passwordForm.reset();
    setStatus(ui.passwordDone, 'Password changed.');
  } catch (error) {
    setStatus(ui.passwordError, error.detail || error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function main() {
  renderHeader('account').remove(); // not a live page
  const account = await requireAccount();
  if (!account) return;
  startClock();
  renderFacts(account);
  ui.passwordForm.querySelector('input[name=userName]').value = asText(account.userName);
  if (account.external === true || account.hasPassword === false) {
    ui.passwordForm.hidden = true;
    ui.passwordExternal.hidden = false;
  }
  ui.passwordForm.addEventListener('submit', changePassword);
  ui.tokenForm.addEventListener('submit', createToken);
  await loadTokens();
}

main();
