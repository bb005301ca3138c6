// Backfills section of the sources page (admins only): start a backfill of a source's archive back to a date, and
// follow, pause, resume or cancel each one (GET/POST api/admin/backfills). Progress refreshes every 5 s: items found
// in the archive, published into the backfill path, stored, the rate and the time left.
import { h, asText, setStatus, clear } from '../lib/dom.js';
import { getJson, send } from '../lib/api.js';
import { currentAccount, hasRole } from '../lib/account.js';

const REFRESH_MS = 5000;
const section = document.getElementById('backfills');
const ui = {
  form: document.getElementById('backfill-form'),
  source: document.getElementById('backfill-source'),
  since: document.getElementById('backfill-since'),
  until: document.getElementById('backfill-until'),
  status: document.getElementById('backfill-status'),
  rows: document.getElementById('backfill-rows'),
};

function number(value, digits = 0) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en', { maximumFractionDigits: digits }) : '—';
}

function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function action(job, verb, label) {
  const button = h('button', 'button', label);
  button.type = 'button';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await send('POST', `api/admin/backfills/${job.id}/${verb}`);
      setStatus(ui.status, `Backfill ${job.id}: ${verb} sent.`);
    } catch (error) {
      setStatus(ui.status, error.message, true);
    }
    await refresh();
  });
  return button;
}

function render(jobs) {
  clear(ui.rows);
  for (const job of jobs) {
    const tr = h('tr');
    tr.dataset.backfillId = String(job.id);
    tr.dataset.state = asText(job.state);
    const progress = typeof job.progress === 'number' ? ` (${Math.round(job.progress * 100)}%)` : '';
    const cells = [
      job.sourceId, `${job.since} – ${job.until}`, `${job.state}${progress}`, number(job.pages), number(job.itemsFound),
      number(job.itemsPublished), number(job.itemsStored), job.ratePerSecond == null ? '—' : `${number(job.ratePerSecond, 1)}/s`,
      duration(job.etaSeconds), job.reachedDay ?? '—',
    ];
    for (const text of cells) tr.append(h('td', null, asText(text)));
    const actions = h('td', 'backfill-actions');
    if (job.state === 'running') actions.append(action(job, 'pause', 'Pause'));
    if (job.state === 'paused' || job.state === 'failed') actions.append(action(job, 'resume', 'Resume'));
    if (['running', 'paused', 'failed'].includes(job.state)) actions.append(action(job, 'cancel', 'Cancel'));
    if (job.lastError) actions.append(h('p', 'source-error', asText(job.lastError)));
    tr.append(actions);
    ui.rows.append(tr);
  }
  if (jobs.length === 0) {
    const tr = h('tr');
    const td = h('td', 'muted', 'No backfill yet.');
    td.colSpan = 11;
    tr.append(td);
    ui.rows.append(tr);
  }
}

async function refresh() {
  try {
    render(await getJson('api/admin/backfills'));
  } catch (error) {
    setStatus(ui.status, `Could not read the backfills: ${error.message}`, true);
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
  try {
    for (const source of await getJson('api/admin/sources')) {
      const option = h('option', null, `${source.id} (${source.adapter})`);
      option.value = source.id;
      ui.source.append(option);
    }
  } catch (error) {
    setStatus(ui.status, `Could not read the sources: ${error.message}`, true);
  }
  ui.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const job = await send('POST', 'api/admin/backfills', {
        sourceId: ui.source.value, since: ui.since.value, until: ui.until.value || undefined,
      });
      setStatus(ui.status, `Backfill ${job.id} of ${job.sourceId} started.`);
    } catch (error) {
      setStatus(ui.status, error.message, true);
    }
    await refresh();
  });
  await refresh();
  setInterval(refresh, REFRESH_MS);
}

start();
