// Users (users.html, admins): every account (GET api/admin/users), create one (a generated password shown once),
// change its role, disable / enable it, reset its password (shown once), delete it (confirmed on the page). The
// server refuses to remove, demote or disable the last enabled admin (409); its message is shown on the user's card.
import { h, asText, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { requireAccount, hasRole, ROLES } from '../lib/account.js';
import { parseDate, timeElement, startClock } from '../lib/time.js';
import { actionButton, confirmButton, secretField } from '../lib/forms.js';

const ui = {
  layout: document.getElementById('users-layout'),
  pageStatus: document.getElementById('page-status'),
  list: document.getElementById('users'),
  status: document.getElementById('users-status'),
  form: document.getElementById('user-form'),
  userName: document.getElementById('user-name'),
  displayName: document.getElementById('user-display-name'),
  email: document.getElementById('user-email'),
  role: document.getElementById('user-role'),
  error: document.getElementById('user-error'),
  secret: document.getElementById('user-secret'),
  secretIntro: document.getElementById('user-secret-intro'),
  secretField: document.getElementById('user-secret-field'),
  secretDone: document.getElementById('user-secret-done'),
};

const users = new Map(); // id -> { user, element }
let me = null;

function showPassword(user, password, intro) {
  ui.secretIntro.textContent = intro;
  ui.secretField.replaceChildren(secretField(`Password of ${asText(user?.userName)}`, asText(password), 'user-password'));
  ui.secret.hidden = false;
  ui.secret.focus();
}

function dateOrWord(value, word) {
  const date = parseDate(value);
  return date ? timeElement(date) : h('span', 'muted', word);
}

function renderUser(user) {
  const id = Number(user.id);
  const name = asText(user.userName) || `user ${id}`;
  const item = h('li', 'card user');
  item.dataset.userId = String(id);
  item.dataset.role = asText(user.role);
  item.dataset.disabled = String(user.disabled === true);

  const head = h('div', 'card-head');
  const title = h('h3', 'card-title', name);
  if (asText(user.displayName) !== '' && user.displayName !== user.userName) title.append(' ', h('span', 'muted card-subtitle', `(${asText(user.displayName)})`));
  const flags = h('p', 'card-flags');
  flags.append(h('span', `role-badge role-${asText(user.role)}`, asText(user.role)));
  flags.append(user.disabled === true ? h('span', 'badge badge-off', 'Disabled') : h('span', 'badge badge-on', 'Enabled'));
  if (user.external === true) flags.append(h('span', 'badge', 'Single sign-on'));
  if (id === me?.id) flags.append(h('span', 'badge', 'You'));
  head.append(title, flags);

  const facts = h('dl', 'facts facts-compact');
  const row = (label, value) => {
    const dd = h('dd');
    dd.append(value);
    facts.append(h('dt', null, label), dd);
  };
  if (asText(user.email) !== '') row('Email', asText(user.email));
  row('Created', dateOrWord(user.createdAt, 'unknown'));
  row('Last sign-in', dateOrWord(user.lastSignInAt, 'never'));
  if (user.hasPassword === false) row('Password', 'none (signs in through single sign-on)');
  const suspended = Number(user.suspendedSubscriptions) || 0;
  if (suspended > 0) row('Subscriptions', `${suspended} suspended: the role allows none (list or remove them at /api/admin/users/${id}/subscriptions)`);

  const actions = h('div', 'card-actions');
  const roleId = `role-${id}`;
  const roleLabel = h('label', 'inline-label', 'Role');
  roleLabel.setAttribute('for', roleId);
  const role = h('select', 'role-select');
  role.id = roleId;
  for (const value of ROLES) {
    const option = h('option', null, value);
    option.value = value;
    role.append(option);
  }
  role.value = ROLES.includes(user.role) ? user.role : 'viewer';
  role.addEventListener('change', () => patch(id, { role: role.value }, `${name} is now ${role.value}.`, 'role-select'));
  actions.append(roleLabel, role);
  actions.append(actionButton(user.disabled === true ? 'Enable' : 'Disable', 'toggle',
    () => patch(id, { disabled: user.disabled !== true }, user.disabled === true ? `${name} is enabled.` : `${name} is disabled and signed out.`, 'toggle'),
    `${user.disabled === true ? 'Enable' : 'Disable'} ${name}`));
  if (user.external !== true) {
    actions.append(confirmButton({
      text: 'Reset password', className: 'reset-password', label: `Reset password of ${name}`,
      question: `Give ${name} a new password? The old one stops working.`, yesText: 'Yes, reset',
      onConfirm: () => resetPassword(id),
    }));
  }
  actions.append(confirmButton({
    label: `Delete ${name}`, question: `Delete ${name} with their subscriptions, alerts and tokens?`,
    onConfirm: () => remove(id),
  }));
  const status = h('p', 'status card-status');
  status.setAttribute('role', 'status');
  status.hidden = true;
  item.append(head, facts, actions, status);
  return item;
}

function cardStatus(id, text, isError = false) {
  const element = users.get(id)?.element.querySelector('.card-status');
  if (element) setStatus(element, text, isError);
}

function upsert(user) {
  const id = Number(user?.id);
  if (!Number.isSafeInteger(id)) return null;
  const existing = users.get(id);
  const element = renderUser(user);
  if (existing) existing.element.replaceWith(element);
  else ui.list.append(element);
  users.set(id, { user, element });
  return element;
}

/**
 * PATCH api/admin/users/{id}; the card is drawn again from the answer (or the user read again), keeping the focus on
 * the control that made the change (focusClass).
 */
async function patch(id, change, done, focusClass) {
  try {
    const answer = await send('PATCH', `api/admin/users/${id}`, change);
    const user = answer && typeof answer === 'object' && answer.id !== undefined ? answer : await getJson(`api/admin/users/${id}`);
    upsert(user)?.querySelector(`.${focusClass}`)?.focus();
    cardStatus(id, done);
  } catch (error) {
    const entry = users.get(id);
    if (entry) upsert(entry.user)?.querySelector(`.${focusClass}`)?.focus(); // back to what the server has
    cardStatus(id, error.detail || error.message, true);
  }
}

async function resetPassword(id) {
  try {
    const answer = await send('POST', `api/admin/users/${id}/reset-password`);
    const user = users.get(id)?.user;
    showPassword(user, answer?.password, `The new password of ${asText(user?.userName)}:`);
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
}

async function remove(id) {
  try {
    await send('DELETE', `api/admin/users/${id}`);
    const entry = users.get(id);
    entry?.element.remove();
    users.delete(id);
    setStatus(ui.status, `Deleted ${asText(entry?.user.userName)}.`);
  } catch (error) {
    cardStatus(id, error.detail || error.message, true);
  }
}

async function create(event) {
  event.preventDefault();
  const userName = ui.userName.value.trim();
  if (userName === '') {
    setStatus(ui.error, 'Enter a user name.', true);
    ui.userName.focus();
    return;
  }
  const button = ui.form.querySelector('button[type=submit]');
  button.disabled = true;
  setStatus(ui.error, '');
  try {
    const answer = await send('POST', 'api/admin/users', {
      userName,
      displayName: ui.displayName.value.trim() || null,
      email: ui.email.value.trim() || null,
      role: ui.role.value,
    });
    upsert(answer?.user);
    ui.form.reset();
    showPassword(answer?.user, answer?.password, `${asText(answer?.user?.userName)} is created, as ${asText(answer?.user?.role)}. Their password:`);
  } catch (error) {
    setStatus(ui.error, error.detail || error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function load() {
  try {
    const list = await getJson('api/admin/users');
    if (!Array.isArray(list)) throw new Error('GET api/admin/users did not answer a JSON array');
    clear(ui.list);
    users.clear();
    for (const user of list) upsert(user);
    setStatus(ui.status, list.length === 0 ? 'No users.' : '');
  } catch (error) {
    setStatus(ui.status, `Could not load the users: ${error.message}`, true);
  }
}

async function main() {
  renderHeader('users').remove(); // not a live page
  me = await requireAccount();
  if (!me) return;
  if (!hasRole(me, 'admin')) {
    setStatus(ui.pageStatus, 'Managing users needs the admin role.', true);
    return;
  }
  ui.layout.hidden = false;
  startClock();
  ui.form.addEventListener('submit', create);
  ui.secretDone.addEventListener('click', () => {
    ui.secret.hidden = true;
    clear(ui.secretField);
  });
  await load();
}

main();
