// Error queues (errors.html, admins): every <queue>_error with its message count (GET api/admin/error-queues), the first
// messages of one with the error that put each there (GET …/{queue}/messages, left in place), and a replay of all of
// them into their queue (POST …/{queue}/replay). The server's ProblemDetails message is shown when it refuses.
import { h, asText, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { requireAccount, hasRole } from '../lib/account.js';
import { actionButton } from '../lib/forms.js';

const PATH = 'api/admin/error-queues';
const ui = {
  panel: document.getElementById('errors-panel'),
  pageStatus: document.getElementById('page-status'),
  list: document.getElementById('error-queues'),
  status: document.getElementById('errors-status'),
  refresh: document.getElementById('errors-refresh'),
};

function renderMessages(messages) {
  const list = h('ol', 'error-messages');
  for (const message of messages) {
    const item = h('li', 'error-message');
    item.append(h('strong', null, asText(message.messageType) || 'unknown message type'));
    item.append(' ', h('span', 'muted', asText(message.failedAt)));
    item.append(h('p', 'error-reason', `${asText(message.exceptionType) || 'error'}: ${asText(message.reason) || 'no reason recorded'}`));
    item.append(h('p', 'muted', `message id ${asText(message.messageId)}`));
    list.append(item);
  }
  return list;
}

function renderQueue(queue) {
  const name = asText(queue.name);
  const item = h('li', 'card error-queue');
  item.dataset.queue = name;
  const head = h('div', 'card-head');
  head.append(h('h3', 'card-title', name));
  const count = Number(queue.messages) || 0;
  head.append(h('p', 'card-flags', `${count} message${count === 1 ? '' : 's'}`));
  const status = h('p', 'status');
  status.setAttribute('role', 'status');
  const preview = h('div', 'error-preview');
  const actions = h('div', 'card-actions');
  actions.append(actionButton('Show messages', 'action', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const messages = await getJson(`${PATH}/${encodeURIComponent(name)}/messages`, { count: 10 });
      preview.replaceChildren(messages.length === 0 ? h('p', 'muted', 'Empty.') : renderMessages(messages));
      setStatus(status, '');
    } catch (error) {
      setStatus(status, error.detail || error.message, true);
    } finally {
      button.disabled = false;
    }
  }, `Show messages of ${name}`));
  actions.append(actionButton('Replay all', 'action', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const answer = await send('POST', `${PATH}/${encodeURIComponent(name)}/replay`, {});
      // The list is drawn again (RabbitMQ's counts catch up within seconds); the result stays above it.
      await load();
      setStatus(ui.status, `Replayed ${Number(answer?.replayed) || 0} messages into ${asText(answer?.into)}.`);
    } catch (error) {
      setStatus(status, error.detail || error.message, true);
      button.disabled = false;
    }
  }, `Replay all of ${name}`));
  item.append(head, actions, status, preview);
  return item;
}

async function load() {
  try {
    const view = await getJson(PATH);
    clear(ui.list);
    if (view?.available === false) {
      setStatus(ui.status, asText(view.reason));
      return;
    }
    const queues = Array.isArray(view?.queues) ? view.queues : [];
    for (const queue of queues) ui.list.append(renderQueue(queue));
    setStatus(ui.status, queues.length === 0 ? 'No error queues: nothing has failed.' : '');
  } catch (error) {
    setStatus(ui.status, `Could not load the error queues: ${error.detail || error.message}`, true);
  }
}

async function main() {
  renderHeader('errors').remove(); // not a live page
  const me = await requireAccount();
  if (!me) return;
  if (!hasRole(me, 'admin')) {
    setStatus(ui.pageStatus, 'The error queues need the admin role.', true);
    return;
  }
  ui.panel.hidden = false;
  ui.refresh.addEventListener('click', load);
  await load();
}

main();
