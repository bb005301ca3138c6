// Triage on the statement lists (docs/dashboard.md, "Triage"): the signed-in user's read state, star and labels on each
// statement card (GET api/marks?ids=…, one request per batch of cards), the Read and Star buttons, and the keyboard:
// j/k move the selection, m toggles read, s toggles star, o opens the statement, ? shows the help dialog. Anonymous
// users get no marks and no buttons; j, k, o and ? still work for them. Shortcuts never fire while typing in a field.
import { h, asText, clear, setStatus } from './dom.js';
import { getJson, send } from './api.js';
import { currentAccount } from './account.js';

export const SHORTCUTS = [
  ['j', 'Select the next statement'],
  ['k', 'Select the previous statement'],
  ['m', 'Mark the selected statement read or unread'],
  ['s', 'Star or unstar the selected statement'],
  ['o', 'Open the selected statement (and mark it read)'],
  ['?', 'Show this list of shortcuts'],
];

const ACTIONS = { j: 'next', k: 'previous', m: 'read', s: 'star', o: 'open', '?': 'help' };
const LOOKUP_BATCH = 200;

/** Whether a key press goes to a field the user is typing in (inputs, text areas, selects, editable content). */
export function isTypingTarget(target) {
  if (!target || typeof target !== 'object') return false;
  if (target.isContentEditable === true) return true;
  const tag = typeof target.tagName === 'string' ? target.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  // Buttons, checkboxes and radios take no text: shortcuts still work on them.
  const type = asText(target.type).toLowerCase();
  return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'].includes(type);
}

/** The action a key press asks for ('next', 'previous', 'read', 'star', 'open', 'help'), or null. */
export function shortcutAction(event) {
  if (!event || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTypingTarget(event.target)) return null;
  return Object.hasOwn(ACTIONS, event.key) ? ACTIONS[event.key] : null;
}

/** The index selected after moving by delta from current (-1: none yet), kept within 0..count-1. */
export function nextIndex(current, count, delta) {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return delta >= 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}

/** A mark from the API with checked types: { statementId, read, starred, labels, note }, or null. */
export function normalizeMark(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const statementId = Number(raw.statementId);
  if (!Number.isSafeInteger(statementId) || statementId <= 0) return null;
  return {
    statementId,
    read: raw.readAt !== null && raw.readAt !== undefined,
    starred: raw.starredAt !== null && raw.starredAt !== undefined,
    labels: Array.isArray(raw.labels) ? raw.labels.filter((l) => typeof l === 'string') : [],
    note: typeof raw.note === 'string' ? raw.note : '',
  };
}

export function emptyMark(statementId) {
  return { statementId, read: false, starred: false, labels: [], note: '' };
}

/** Labels typed as "a, b ,c": trimmed, lower case, each once, empty ones dropped. */
export function parseLabels(text) {
  return [...new Set(asText(text).split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== ''))];
}

/**
 * Triage of one page's statement cards. `enabled` (signed in) decides whether marks are read and buttons shown.
 * decorate(item, id) after a card is rendered; marks of new cards are fetched in one batch.
 */
export function createTriage({ enabled, onChange = () => {} }) {
  const marks = new Map();
  const items = new Map(); // statementId → Set of card elements
  let pending = new Set();
  let timer = 0;

  function cardsOf(id) {
    const set = items.get(id);
    if (!set) return [];
    for (const element of set) if (!element.isConnected) set.delete(element);
    return [...set];
  }

  function apply(item, mark) {
    item.classList.toggle('is-read', mark.read);
    item.classList.toggle('is-unread', !mark.read);
    item.classList.toggle('is-starred', mark.starred);
    const controls = item.querySelector('.triage');
    if (!controls) return;
    const read = controls.querySelector('.triage-read');
    read.setAttribute('aria-pressed', String(mark.read));
    read.textContent = mark.read ? 'Read' : 'Unread';
    read.setAttribute('title', mark.read ? 'Read: mark unread (m)' : 'Unread: mark read (m)');
    const star = controls.querySelector('.triage-star');
    star.setAttribute('aria-pressed', String(mark.starred));
    star.textContent = mark.starred ? '★ Starred' : '☆ Star';
    star.setAttribute('title', mark.starred ? 'Starred: unstar (s)' : 'Star (s)');
    const labels = clear(controls.querySelector('.triage-labels'));
    labels.hidden = mark.labels.length === 0;
    for (const label of mark.labels) labels.append(h('li', 'label-chip', label));
  }

  function set(mark) {
    marks.set(mark.statementId, mark);
    for (const item of cardsOf(mark.statementId)) apply(item, mark);
    onChange(mark);
  }

  async function flush() {
    timer = 0;
    const ids = [...pending];
    pending = new Set();
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const batch = ids.slice(i, i + LOOKUP_BATCH);
      try {
        const found = new Map();
        for (const raw of await getJson('api/marks', { ids: batch.join(',') })) {
          const mark = normalizeMark(raw);
          if (mark) found.set(mark.statementId, mark);
        }
        for (const id of batch) set(found.get(id) ?? emptyMark(id));
      } catch (error) {
        console.warn('Monitor: could not read the marks', error);
      }
    }
  }

  /** Adds the buttons to a rendered card and shows its mark (fetched with the next batch when not known yet). */
  function decorate(item, statementId) {
    item.setAttribute('tabindex', '-1');
    if (!enabled) return item;
    if (!items.has(statementId)) items.set(statementId, new Set());
    items.get(statementId).add(item);
    const controls = h('div', 'triage');
    const read = h('button', 'triage-read action action-small');
    read.type = 'button';
    read.addEventListener('click', () => toggleRead(statementId));
    const star = h('button', 'triage-star action action-small');
    star.type = 'button';
    star.addEventListener('click', () => toggleStar(statementId));
    const labels = h('ul', 'triage-labels');
    labels.setAttribute('aria-label', 'Your labels');
    controls.append(read, star, labels);
    item.insertBefore(controls, item.querySelector('.statement-details'));
    apply(item, marks.get(statementId) ?? emptyMark(statementId));
    if (!marks.has(statementId)) {
      pending.add(statementId);
      if (!timer) timer = setTimeout(flush, 30);
    }
    return item;
  }

  async function write(statementId, method, path, body) {
    const answer = normalizeMark(await send(method, `api/marks/${statementId}/${path}`, body));
    if (answer) set(answer);
    return answer;
  }

  function mark(statementId) {
    return marks.get(statementId) ?? emptyMark(statementId);
  }

  const toggleRead = (id) => (enabled ? write(id, mark(id).read ? 'DELETE' : 'PUT', 'read') : Promise.resolve(null));
  const toggleStar = (id) => (enabled ? write(id, mark(id).starred ? 'DELETE' : 'PUT', 'star') : Promise.resolve(null));
  const markRead = (id) => (enabled && !mark(id).read ? write(id, 'PUT', 'read') : Promise.resolve(null));

  /** Reads every shown card's mark again (after "mark all read"). */
  function refresh() {
    for (const id of items.keys()) {
      marks.delete(id);
      pending.add(id);
    }
    return flush();
  }

  return { enabled, decorate, toggleRead, toggleStar, markRead, refresh, mark, write };
}

/** The help dialog listing the shortcuts: a modal <dialog> (Escape closes it), focus returns to where it was. */
export function createHelpDialog({ signedIn }) {
  const dialog = h('dialog', 'shortcuts-dialog');
  dialog.setAttribute('aria-labelledby', 'shortcuts-title');
  const heading = h('h2', null, 'Keyboard shortcuts');
  heading.id = 'shortcuts-title';
  const list = h('dl', 'shortcuts-list');
  for (const [key, text] of SHORTCUTS) {
    const term = h('dt');
    term.append(h('kbd', null, key));
    list.append(term, h('dd', null, text));
  }
  const hint = h('p', 'hint', signedIn
    ? 'Shortcuts do not work while you type in a field.'
    : 'Sign in to mark statements read and to star them. Shortcuts do not work while you type in a field.');
  const close = h('button', 'action', 'Close');
  close.type = 'button';
  close.addEventListener('click', () => dialog.close());
  dialog.append(heading, list, hint, close);
  let returnTo = null;
  dialog.addEventListener('close', () => {
    if (returnTo?.isConnected) returnTo.focus();
    returnTo = null;
  });
  document.body.append(dialog);
  return {
    element: dialog,
    open() {
      if (dialog.open) return;
      returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      close.focus();
    },
  };
}

/**
 * The list shortcuts on one list element of statement cards (li.statement). getItems: the cards in order. The selected
 * card has class is-selected and keyboard focus.
 */
export function installListKeys(listElement, triage, help) {
  let selected = null;

  function cards() {
    return [...listElement.querySelectorAll(':scope > li.statement')];
  }

  function select(item) {
    selected?.classList.remove('is-selected');
    selected = item;
    if (!item) return;
    item.classList.add('is-selected');
    item.focus();
  }

  // Clicking into a card selects it, so m/s/o act on what the user is looking at.
  listElement.addEventListener('focusin', (event) => {
    const item = event.target instanceof Element ? event.target.closest('li.statement') : null;
    if (item && item.parentElement === listElement && item !== selected) {
      selected?.classList.remove('is-selected');
      selected = item;
      item.classList.add('is-selected');
    }
  });

  document.addEventListener('keydown', (event) => {
    const action = shortcutAction(event);
    if (!action) return;
    if (help.element.open) return;
    if (action === 'help') {
      event.preventDefault();
      help.open();
      return;
    }
    const all = cards();
    if (all.length === 0) return;
    const current = selected?.isConnected ? all.indexOf(selected) : -1;
    if (action === 'next' || action === 'previous') {
      event.preventDefault();
      select(all[nextIndex(current, all.length, action === 'next' ? 1 : -1)]);
      return;
    }
    if (current < 0) return;
    const id = Number(selected.dataset.statementId);
    if (!Number.isSafeInteger(id)) return;
    event.preventDefault();
    if (action === 'read') triage.toggleRead(id).catch(report);
    else if (action === 'star') triage.toggleStar(id).catch(report);
    else if (action === 'open') {
      const href = selected.querySelector('a.statement-details')?.getAttribute('href');
      if (!href) return;
      triage.markRead(id).catch(report).finally(() => location.assign(new URL(href, document.baseURI).href));
    }
  });

  return { select, get selected() { return selected; } };
}

function report(error) {
  console.warn('Monitor: could not change the mark', error);
}

/**
 * The statement page's "Your marks" section (statement.html): Read and Star buttons, labels and a note, for signed-in
 * users; the section stays hidden for anonymous readers.
 */
export async function setUpStatementTriage(statementId) {
  const section = document.getElementById('triage-section');
  if (!section) return;
  let account;
  try {
    account = await currentAccount();
  } catch {
    return;
  }
  if (!account.authenticated) return;
  const status = document.getElementById('triage-status');
  const read = document.getElementById('triage-read');
  const star = document.getElementById('triage-star');
  const labelsInput = document.getElementById('triage-labels-input');
  const noteInput = document.getElementById('triage-note-input');
  let mark = emptyMark(statementId);

  function show(next, { fields = false } = {}) {
    mark = next;
    read.setAttribute('aria-pressed', String(mark.read));
    read.textContent = mark.read ? 'Read' : 'Unread';
    star.setAttribute('aria-pressed', String(mark.starred));
    star.textContent = mark.starred ? '★ Starred' : '☆ Star';
    if (fields) {
      labelsInput.value = mark.labels.join(', ');
      noteInput.value = mark.note;
    }
  }

  async function write(method, path, body, done) {
    try {
      const answer = normalizeMark(await send(method, `api/marks/${statementId}/${path}`, body));
      if (answer) show(answer, { fields: path === 'labels' || path === 'note' });
      setStatus(status, done ?? '');
    } catch (error) {
      setStatus(status, `Not saved: ${error.detail || error.message}`, true);
    }
  }

  read.addEventListener('click', () => write(mark.read ? 'DELETE' : 'PUT', 'read'));
  star.addEventListener('click', () => write(mark.starred ? 'DELETE' : 'PUT', 'star'));
  document.getElementById('triage-labels-form').addEventListener('submit', (event) => {
    event.preventDefault();
    write('PUT', 'labels', { labels: parseLabels(labelsInput.value) }, 'Labels saved.');
  });
  document.getElementById('triage-note-form').addEventListener('submit', (event) => {
    event.preventDefault();
    write('PUT', 'note', { note: noteInput.value }, 'Note saved.');
  });
  try {
    show(normalizeMark(await getJson(`api/marks/${statementId}`)) ?? emptyMark(statementId), { fields: true });
    section.hidden = false;
  } catch (error) {
    console.warn('Monitor: could not read the marks', error);
  }
}
