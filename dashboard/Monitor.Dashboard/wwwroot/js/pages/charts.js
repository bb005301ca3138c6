// Charts (charts.html): statements per topic over time (GET api/statements/charts/topics) and NATO against the
// European Parliament per topic (GET api/statements/charts/institutions), for the chosen topics, interval and range.
// The settings live in the URL (charts.html?interval=week&range=90&topics=a,b), so a view can be linked.
import { h, setStatus, clear } from '../lib/dom.js';
import { getJson } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { lineChart, barChart, buckets, INSTITUTION_COLOURS } from '../lib/charts.js';

const DEFAULT_TOPICS = 6;
const RANGES = ['30', '90', '365'];

const ui = {
  form: document.getElementById('charts-form'),
  interval: document.getElementById('chart-interval'),
  range: document.getElementById('chart-range'),
  options: document.getElementById('chart-topic-options'),
  all: document.getElementById('topics-all'),
  none: document.getElementById('topics-none'),
  topics: document.getElementById('chart-topics'),
  topicsStatus: document.getElementById('chart-topics-status'),
  institutions: document.getElementById('chart-institutions'),
  institutionsStatus: document.getElementById('chart-institutions-status'),
};

const stateElement = renderHeader('charts');
// The charts page holds no live connection: no state to show.
stateElement.hidden = true;

let allTopics = [];
let run = 0;

function readUrl() {
  const query = new URLSearchParams(location.search);
  const interval = query.get('interval') === 'week' ? 'week' : 'day';
  const range = RANGES.includes(query.get('range')) ? query.get('range') : '90';
  const topics = (query.get('topics') ?? '').split(',').filter((t) => t !== '');
  return { interval, range, topics: query.has('topics') ? topics : null };
}

function writeUrl(settings) {
  const query = new URLSearchParams();
  query.set('interval', settings.interval);
  query.set('range', settings.range);
  query.set('topics', settings.topics.join(','));
  history.replaceState(null, '', `?${query}`);
}

function selectedTopics() {
  return [...ui.options.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
}

function renderOptions(selected) {
  clear(ui.options);
  for (const topic of allTopics) {
    const label = h('label', 'topic-option');
    const input = h('input');
    input.type = 'checkbox';
    input.name = 'topics';
    input.value = topic.id;
    input.checked = selected.includes(topic.id);
    label.append(input, ' ', h('span', null, topicTitle(topic.id)));
    ui.options.append(label);
  }
}

function rangeStart(days) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
}

async function draw() {
  const current = ++run;
  const settings = { interval: ui.interval.value, range: ui.range.value, topics: selectedTopics() };
  writeUrl(settings);
  const from = rangeStart(Number(settings.range));
  const to = new Date();
  const params = { interval: settings.interval, from: from.toISOString().slice(0, 10) };
  const rangeText = ui.range.selectedOptions[0]?.textContent.toLowerCase() ?? '';
  setStatus(ui.topicsStatus, 'Loading…');
  setStatus(ui.institutionsStatus, 'Loading…');
  if (settings.topics.length === 0) {
    for (const [container, status] of [[ui.topics, ui.topicsStatus], [ui.institutions, ui.institutionsStatus]]) {
      clear(container);
      setStatus(status, 'Choose at least one topic above.');
    }
    return;
  }

  const [counts, institutions] = await Promise.allSettled([
    getJson('api/statements/charts/topics', { ...params, topics: settings.topics }),
    getJson('api/statements/charts/institutions', { ...params, topics: settings.topics }),
  ]);
  if (current !== run) return;

  try {
    if (counts.status === 'rejected') throw counts.reason;
    if (!Array.isArray(counts.value)) throw new Error('the answer is not a JSON array');
    const labels = buckets(from, to, settings.interval);
    const index = new Map(labels.map((label, i) => [label, i]));
    const series = new Map(settings.topics.map((id) => [id, new Array(labels.length).fill(0)]));
    for (const c of counts.value) {
      const data = series.get(c?.topicId);
      const i = typeof c?.start === 'string' ? index.get(c.start.slice(0, 10)) : undefined;
      if (data && i !== undefined) data[i] += Number(c.count) || 0;
    }
    lineChart(ui.topics, {
      ariaLabel: `Statements per ${settings.interval} for ${settings.topics.length} topics, ${rangeText}`,
      caption: `Statements per ${settings.interval === 'week' ? 'week (weeks start on Monday, UTC)' : 'day (UTC)'}`,
      corner: settings.interval === 'week' ? 'Week of' : 'Day',
      labels,
      datasets: settings.topics.map((id) => ({ label: topicTitle(id), data: series.get(id) })),
    });
    setStatus(ui.topicsStatus, '');
  } catch (error) {
    clear(ui.topics);
    setStatus(ui.topicsStatus, `Could not load the chart (${error.message}).`, true);
  }

  try {
    if (institutions.status === 'rejected') throw institutions.reason;
    if (!Array.isArray(institutions.value)) throw new Error('the answer is not a JSON array');
    const totals = new Map(settings.topics.map((id) => [id, { NATO: 0, EP: 0, Other: 0 }]));
    for (const c of institutions.value) {
      const row = totals.get(c?.topicId);
      if (row && c.institution in row) row[c.institution] += Number(c.count) || 0;
    }
    const names = ['NATO', 'EP'];
    if ([...totals.values()].some((t) => t.Other > 0)) names.push('Other');
    barChart(ui.institutions, {
      ariaLabel: `Statements by NATO and by the European Parliament for ${settings.topics.length} topics, ${rangeText}`,
      caption: `Statements per topic and institution, ${rangeText}`,
      corner: 'Topic',
      labels: settings.topics.map(topicTitle),
      horizontal: true,
      datasets: names.map((name) => ({
        label: name === 'EP' ? 'European Parliament' : name,
        data: settings.topics.map((id) => totals.get(id)[name]),
        colour: INSTITUTION_COLOURS[name],
      })),
    });
    ui.institutions.style.setProperty('--bars', String(settings.topics.length));
    setStatus(ui.institutionsStatus, '');
  } catch (error) {
    clear(ui.institutions);
    setStatus(ui.institutionsStatus, `Could not load the chart (${error.message}).`, true);
  }
}

async function defaultTopics() {
  // The topics with the most statements in the chosen range.
  try {
    const counts = await getJson('api/statements/charts/topics', { interval: 'week', from: rangeStart(Number(ui.range.value)).toISOString().slice(0, 10) });
    const totals = new Map();
    for (const c of Array.isArray(counts) ? counts : []) totals.set(c.topicId, (totals.get(c.topicId) ?? 0) + (Number(c.count) || 0));
    const ranked = allTopics.map((t) => t.id).sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
    return ranked.slice(0, DEFAULT_TOPICS);
  } catch {
    return allTopics.slice(0, DEFAULT_TOPICS).map((t) => t.id);
  }
}

async function main() {
  const settings = readUrl();
  ui.interval.value = settings.interval;
  ui.range.value = settings.range;
  allTopics = (await loadTopics()).filter((t) => t && typeof t.id === 'string');
  const known = new Set(allTopics.map((t) => t.id));
  const chosen = settings.topics ? settings.topics.filter((t) => known.has(t)) : await defaultTopics();
  renderOptions(chosen);

  ui.form.addEventListener('submit', (event) => event.preventDefault());
  ui.form.addEventListener('change', draw);
  ui.all.addEventListener('click', () => {
    for (const input of ui.options.querySelectorAll('input')) input.checked = true;
    draw();
  });
  ui.none.addEventListener('click', () => {
    for (const input of ui.options.querySelectorAll('input')) input.checked = false;
    draw();
  });
  if (allTopics.length === 0) {
    setStatus(ui.topicsStatus, 'Could not load the topic list; reload the page to try again.', true);
    setStatus(ui.institutionsStatus, '', false);
    return;
  }
  await draw();
}

main();
