// "Manage sources" on the sources page (admins only): add a source by URL with a preview (POST api/admin/sources/probe,
// then POST api/admin/sources), edit, pause, resume and delete each source, read its poll history
// (GET api/admin/sources/{id}/polls), export and import OPML (api/admin/opml). Text from feeds and servers is set as
// text (js/lib/dom.js), never parsed as HTML.
import { h, asText, link, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { currentAccount, hasRole } from '../lib/account.js';
import { actionButton, confirmButton } from '../lib/forms.js';
import { parseDate, absoluteFormat } from '../lib/time.js';

const ADAPTERS = ['rss', 'ep-rss', 'ep-api', 'ep-thinktank', 'nato-json'];
const POLLS_SHOWN = 20;

const section = document.getElementById('source-admin');
const ui = {
  probeForm: document.getElementById('probe-form'),
  probeUrl: document.getElementById('probe-url'),
  probeStatus: document.getElementById('probe-status'),
  preview: document.getElementById('probe-preview'),
  summary: document.getElementById('probe-summary'),
  candidates: document.getElementById('probe-candidates'),
  items: document.getElementById('probe-items'),
  addForm: document.getElementById('add-form'),
  addId: document.getElementById('add-id'),
  addName: document.getElementById('add-name'),
  addUrl: document.getElementById('add-url'),
  addAdapter: document.getElementById('add-adapter'),
  addInterval: document.getElementById('add-interval'),
  rows: document.getElementById('admin-rows'),
  adminStatus: document.getElementById('admin-status'),
  opmlForm: document.getElementById('opml-form'),
  opmlFile: document.getElementById('opml-file'),
  opmlStatus: document.getElementById('opml-status'),
  opmlReport: document.getElementById('opml-report'),
  opmlRows: document.getElementById('opml-rows'),
};

function changed() {
  document.dispatchEvent(new CustomEvent('monitor:sources-changed'));
}

function dateText(value) {
  const date = parseDate(value);
  return date ? absoluteFormat.format(date) : '—';
}

function adapterOptions(select, preferred, selected) {
  clear(select);
  for (const name of [...preferred, ...ADAPTERS.filter((a) => !preferred.includes(a))]) {
    const option = h('option', null, preferred.includes(name) && preferred.length > 0 && name === preferred[0] ? `${name} (detected)` : name);
    option.value = name;
    option.selected = name === selected;
    select.append(option);
  }
}

// ---------------------------------------------------------------------------------------------
// Add by URL: probe, preview, save

function renderPreview(result) {
  ui.summary.textContent = result.kind === 'html'
    ? `${result.url} is a page; its feed ${result.feedUrl} reads with adapter ${result.adapter}: ${result.itemCount} items.`
    : `${result.url} is a feed that reads with adapter ${result.adapter}: ${result.itemCount} items.`;
  clear(ui.candidates);
  for (const candidate of result.candidates ?? []) {
    const li = h('li');
    li.append(link(candidate.url, candidate.title ? `${candidate.title} (${candidate.url})` : candidate.url));
    li.append(h('span', 'muted', candidate.adapter ? ` — used (${candidate.adapter})` : candidate.error ? ` — not used: ${candidate.error}` : ' — not tried'));
    ui.candidates.append(li);
  }
  ui.candidates.hidden = ui.candidates.childElementCount === 0;
  clear(ui.items);
  for (const item of result.items) {
    const tr = h('tr');
    tr.append(h('td', null, asText(item.title) || '(untitled)'));
    tr.append(h('td', null, dateText(item.publishedAt)));
    const cell = h('td');
    cell.append(item.url ? link(item.url, 'open') : h('span', 'muted', '—'));
    tr.append(cell);
    ui.items.append(tr);
  }
  ui.addId.value = result.suggestedId;
  ui.addName.value = result.suggestedName;
  ui.addUrl.value = result.feedUrl;
  adapterOptions(ui.addAdapter, result.adapters, result.adapter);
  ui.preview.hidden = false;
}

async function probe(event) {
  event.preventDefault();
  ui.preview.hidden = true;
  setStatus(ui.probeStatus, `Fetching ${ui.probeUrl.value}…`);
  const button = ui.probeForm.querySelector('button');
  button.disabled = true;
  try {
    const result = await send('POST', 'api/admin/sources/probe', { url: ui.probeUrl.value });
    renderPreview(result);
    setStatus(ui.probeStatus, `Found a feed with ${result.itemCount} items. Check the preview, then add it.`);
  } catch (error) {
    setStatus(ui.probeStatus, error.message, true);
  } finally {
    button.disabled = false;
  }
}

async function add(event) {
  event.preventDefault();
  try {
    const source = await send('POST', 'api/admin/sources', {
      id: ui.addId.value.trim(), name: ui.addName.value.trim(), url: ui.addUrl.value.trim(),
      adapter: ui.addAdapter.value, pollIntervalSeconds: Number(ui.addInterval.value),
    });
    ui.preview.hidden = true;
    ui.probeForm.reset();
    setStatus(ui.probeStatus, `Added ${source.id}: it is polled within a few seconds.`);
    await refresh();
    changed();
  } catch (error) {
    setStatus(ui.probeStatus, error.message, true);
  }
}

// ---------------------------------------------------------------------------------------------
// The table: edit, pause/resume, delete, poll history

function labelled(text, input) {
  const label = h('label', null, text);
  label.append(input);
  return label;
}

function editRow(source, columns) {
  const tr = h('tr', 'source-admin-detail');
  const td = h('td');
  td.colSpan = columns;
  const form = h('form', 'source-admin-form source-fields');
  form.setAttribute('aria-label', `Edit ${source.id}`);
  const name = h('input');
  name.required = true;
  name.maxLength = 200;
  name.value = source.name;
  const url = h('input');
  url.type = 'url';
  url.required = true;
  url.value = source.url;
  const adapter = h('select');
  adapterOptions(adapter, [], source.adapter);
  const interval = h('input');
  interval.type = 'number';
  interval.min = '1';
  interval.max = '86400';
  interval.required = true;
  interval.value = String(source.pollIntervalSeconds ?? 300);
  const save = h('button', 'button button-primary', 'Save');
  save.type = 'submit';
  const cancel = actionButton('Cancel', 'cancel', () => tr.remove());
  form.append(labelled('Name', name), labelled('Feed URL', url), labelled('Adapter', adapter), labelled('Poll every (seconds)', interval), save, cancel);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await send('PUT', `api/admin/sources/${encodeURIComponent(source.id)}`, {
        name: name.value.trim(), url: url.value.trim(), adapter: adapter.value, pollIntervalSeconds: Number(interval.value),
      });
      setStatus(ui.adminStatus, `Saved ${source.id}.`);
      await refresh();
      changed();
    } catch (error) {
      setStatus(ui.adminStatus, `${source.id}: ${error.message}`, true);
    }
  });
  td.append(form);
  tr.append(td);
  return tr;
}

async function pollsRow(source, columns) {
  const tr = h('tr', 'source-admin-detail');
  const td = h('td');
  td.colSpan = columns;
  const polls = await getJson(`api/admin/sources/${encodeURIComponent(source.id)}/polls`, { limit: POLLS_SHOWN });
  const table = h('table', 'source-admin-table source-polls');
  table.append(h('caption', null, `Last ${polls.length} polls of ${source.id}`));
  const head = h('tr');
  for (const title of ['Time', 'Outcome', 'Items', 'New', 'Took', 'Error']) {
    const th = h('th', null, title);
    th.scope = 'col';
    head.append(th);
  }
  const thead = h('thead');
  thead.append(head);
  const tbody = h('tbody');
  for (const poll of polls) {
    const row = h('tr');
    row.dataset.outcome = asText(poll.outcome);
    for (const text of [dateText(poll.polledAt), poll.outcome.replace('_', ' '), poll.items, poll.newItems, `${poll.durationMs} ms`, poll.error ?? '']) {
      row.append(h('td', null, asText(text)));
    }
    tbody.append(row);
  }
  if (polls.length === 0) {
    const row = h('tr');
    const cell = h('td', 'muted', 'Not polled yet.');
    cell.colSpan = 6;
    row.append(cell);
    tbody.append(row);
  }
  table.append(thead, tbody);
  const close = actionButton('Close', 'cancel', () => tr.remove(), `Close the poll history of ${source.id}`);
  td.append(table, close);
  tr.append(td);
  return tr;
}

function toggleDetail(tr, kind, build) {
  const next = tr.nextElementSibling;
  if (next?.classList.contains('source-admin-detail')) {
    const same = next.dataset.kind === kind;
    next.remove();
    if (same) return;
  }
  Promise.resolve(build()).then((detail) => {
    detail.dataset.kind = kind;
    tr.after(detail);
    detail.querySelector('input, button')?.focus();
  }).catch((error) => setStatus(ui.adminStatus, error.message, true));
}

function renderRows(list) {
  clear(ui.rows);
  const columns = 7;
  for (const source of list) {
    const tr = h('tr');
    tr.dataset.sourceId = source.id;
    tr.append(h('td', null, source.id), h('td', null, source.name));
    const urlCell = h('td', 'source-admin-url');
    urlCell.append(link(source.url, source.url));
    tr.append(urlCell, h('td', null, source.adapter), h('td', null, `${source.pollIntervalSeconds ?? '—'} s`));
    tr.append(h('td', null, source.enabled ? source.health : 'paused'));
    const actions = h('td', 'source-admin-actions');
    actions.append(actionButton('Edit', 'edit', () => toggleDetail(tr, 'edit', () => editRow(source, columns)), `Edit ${source.id}`));
    actions.append(actionButton('History', 'history', () => toggleDetail(tr, 'polls', () => pollsRow(source, columns)), `Poll history of ${source.id}`));
    const verb = source.enabled ? 'pause' : 'resume';
    actions.append(actionButton(source.enabled ? 'Pause' : 'Resume', verb, async () => {
      try {
        await send('POST', `api/admin/sources/${encodeURIComponent(source.id)}/${verb}`);
        setStatus(ui.adminStatus, `${source.id}: ${source.enabled ? 'paused' : 'resumed'}.`);
        await refresh();
        changed();
      } catch (error) {
        setStatus(ui.adminStatus, `${source.id}: ${error.message}`, true);
      }
    }, `${source.enabled ? 'Pause' : 'Resume'} ${source.id}`));
    actions.append(confirmButton({
      label: `Delete ${source.id}`,
      question: `Delete ${source.id}? Its statements stay.`,
      onConfirm: async () => {
        try {
          await send('DELETE', `api/admin/sources/${encodeURIComponent(source.id)}`);
          setStatus(ui.adminStatus, `Deleted ${source.id}.`);
          await refresh();
          changed();
        } catch (error) {
          setStatus(ui.adminStatus, `${source.id}: ${error.message}`, true);
        }
      },
    }));
    tr.append(actions);
    ui.rows.append(tr);
  }
  if (list.length === 0) {
    const tr = h('tr');
    const td = h('td', 'muted', 'No sources.');
    td.colSpan = columns;
    tr.append(td);
    ui.rows.append(tr);
  }
}

async function refresh() {
  try {
    renderRows(await getJson('api/admin/sources'));
  } catch (error) {
    setStatus(ui.adminStatus, `Could not read the sources: ${error.message}`, true);
  }
}

// ---------------------------------------------------------------------------------------------
// OPML import

function renderReport(report) {
  clear(ui.opmlRows);
  for (const line of report.lines) {
    const tr = h('tr');
    tr.dataset.result = line.result;
    tr.append(h('td', null, asText(line.line)));
    const feed = h('td', 'source-admin-url');
    feed.append(h('span', null, asText(line.name ?? line.sourceId ?? '')), h('br'), h('span', 'muted', asText(line.url ?? '(no xmlUrl)')));
    tr.append(feed, h('td', null, line.sourceId && line.result !== 'refused' ? `${line.result}: ${line.sourceId}` : line.result), h('td', null, asText(line.reason)));
    ui.opmlRows.append(tr);
  }
  ui.opmlReport.hidden = false;
}

async function importOpml(event) {
  event.preventDefault();
  const file = ui.opmlFile.files?.[0];
  if (!file) return;
  if (file.size > 1024 * 1024) {
    setStatus(ui.opmlStatus, `${file.name} is ${file.size.toLocaleString('en')} bytes; the limit is 1 MB. Split it.`, true);
    return;
  }
  setStatus(ui.opmlStatus, `Importing ${file.name}…`);
  try {
    const report = await send('POST', 'api/admin/opml', { opml: await file.text() });
    renderReport(report);
    setStatus(ui.opmlStatus, `${file.name}: ${report.added} added, ${report.skipped} skipped, ${report.refused} refused.`, report.refused > 0);
    await refresh();
    changed();
  } catch (error) {
    ui.opmlReport.hidden = true;
    setStatus(ui.opmlStatus, `${file.name}: ${error.message}`, true);
  }
}

async function start() {
  let account;
  try {
    account = await currentAccount();
  } catch {
    return;
  }
  if (!hasRole(account, 'admin')) return;
  section.hidden = false;
  adapterOptions(ui.addAdapter, [], 'rss');
  ui.probeForm.addEventListener('submit', probe);
  ui.addForm.addEventListener('submit', add);
  ui.opmlForm.addEventListener('submit', importOpml);
  await refresh();
}

start();
