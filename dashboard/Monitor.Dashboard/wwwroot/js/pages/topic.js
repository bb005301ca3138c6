// One topic's page (topic.html?id=…): title and scope (GET api/topics/{id}), its live stream of statements, its
// statements per day over the last 90 days, and the briefing passages it is anchored in.
import { h, pageHref, setStatus, clear } from '../lib/dom.js';
import { get, getJson, ApiError } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { renderStatement } from '../lib/statements.js';
import { startClock } from '../lib/time.js';
import { lineChart, buckets } from '../lib/charts.js';
import { createLive, createStatementList } from '../lib/live.js';

const SNAPSHOT_LIMIT = 30;
const MAX_STATEMENTS = 100;
const CHART_DAYS = 90;

const ui = {
  title: document.getElementById('topic-title'),
  scope: document.getElementById('topic-scope'),
  status: document.getElementById('topic-status'),
  retry: document.getElementById('topic-retry'),
  content: document.getElementById('topic-content'),
  historyLink: document.getElementById('topic-history-link'),
  statements: document.getElementById('topic-statements'),
  statementsStatus: document.getElementById('topic-statements-status'),
  statementsEmpty: document.getElementById('topic-statements-empty'),
  chart: document.getElementById('topic-chart'),
  chartStatus: document.getElementById('topic-chart-status'),
  anchors: document.getElementById('topic-anchors'),
  figures: document.getElementById('topic-figures'),
  figuresList: document.getElementById('topic-figures-list'),
};

const topicId = new URLSearchParams(location.search).get('id') ?? '';
const stateElement = renderHeader('topic');
const list = createStatementList(ui.statements, { max: MAX_STATEMENTS, render: (s) => renderStatement(s) });
let live = null;

function carriesTopic(statement) {
  return statement.topics.some((t) => t.topicId === topicId);
}

function updateEmpty() {
  ui.statementsEmpty.hidden = list.size !== 0 || !ui.statementsStatus.hidden;
}

function receiveStatement(statement, { via }) {
  if (!carriesTopic(statement)) return;
  if (list.upsert(statement, { fresh: via === 'live' })) updateEmpty();
}

function showTopic(topic) {
  const title = typeof topic.title === 'string' && topic.title !== '' ? topic.title : topicId;
  ui.title.textContent = title;
  document.title = `${title} · Monitor`;
  const scope = typeof topic.scope === 'string' ? topic.scope.trim() : '';
  ui.scope.textContent = scope;
  ui.scope.hidden = scope === '';
  ui.historyLink.setAttribute('href', pageHref('history.html', { topics: topicId }));

  clear(ui.anchors);
  const anchors = Array.isArray(topic.anchors) ? topic.anchors.filter((a) => a && typeof a.text === 'string') : [];
  for (const anchor of anchors) {
    const item = h('li', 'anchor');
    const line = Number(anchor.line);
    if (Number.isSafeInteger(line)) {
      item.dataset.line = String(line);
      item.append(h('span', 'anchor-line', `line ${line}`), ' ');
    }
    item.append(h('q', 'anchor-text', anchor.text));
    ui.anchors.append(item);
  }
  if (anchors.length === 0) ui.anchors.append(h('li', 'anchor-none muted', 'No briefing passages are recorded for this topic.'));

  clear(ui.figuresList);
  const figures = Array.isArray(topic.figures) ? topic.figures.filter((f) => f && typeof f.id === 'string') : [];
  for (const figure of figures) {
    const label = typeof figure.label === 'string' && figure.label !== '' ? figure.label : figure.id;
    const unit = typeof figure.unit === 'string' && figure.unit !== '' ? ` ${figure.unit}` : '';
    ui.figuresList.append(h('dt', null, label), h('dd', null, `${figure.baseline ?? '–'}${unit}`));
  }
  ui.figures.hidden = figures.length === 0;
}

async function loadStatements() {
  setStatus(ui.statementsStatus, 'Loading statements…');
  try {
    const { body, headers } = await get('api/statements', { topics: topicId, limit: SNAPSHOT_LIMIT });
    live.absorbSnapshot(body, headers, list);
    setStatus(ui.statementsStatus, '');
  } catch (error) {
    console.error('Monitor: could not load the topic statements', error);
    setStatus(ui.statementsStatus, `Could not load statements (${error.message}); new ones still appear live.`, true);
  }
  updateEmpty();
}

async function loadChart() {
  const to = new Date();
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() - (CHART_DAYS - 1)));
  try {
    const counts = await getJson('api/statements/charts/topics', { topics: topicId, interval: 'day', from: from.toISOString().slice(0, 10) });
    if (!Array.isArray(counts)) throw new Error('the chart answer is not a JSON array');
    const byDay = new Map();
    for (const c of counts) {
      if (c && c.topicId === topicId && typeof c.start === 'string') byDay.set(c.start.slice(0, 10), Number(c.count) || 0);
    }
    const labels = buckets(from, to, 'day');
    const data = labels.map((day) => byDay.get(day) ?? 0);
    const total = data.reduce((a, b) => a + b, 0);
    lineChart(ui.chart, {
      ariaLabel: `Statements per day carrying “${ui.title.textContent}”, last ${CHART_DAYS} days: ${total} in all`,
      caption: `Statements per day (UTC), ${labels[0]} to ${labels[labels.length - 1]}`,
      corner: 'Day',
      labels,
      datasets: [{ label: 'Statements', data }],
    });
    setStatus(ui.chartStatus, '');
  } catch (error) {
    console.error('Monitor: could not load the topic chart', error);
    setStatus(ui.chartStatus, `Could not load the chart (${error.message}).`, true);
  }
}

async function loadTopic() {
  ui.retry.hidden = true;
  setStatus(ui.status, 'Loading topic…');
  if (topicId === '') {
    ui.title.textContent = 'No topic chosen';
    setStatus(ui.status, 'This page shows one topic: pick one on the topics page.', true);
    return null;
  }
  try {
    const topic = await getJson(`api/topics/${encodeURIComponent(topicId)}`);
    setStatus(ui.status, '');
    return topic;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      const known = await loadTopics();
      const listed = known.find((t) => t && t.id === topicId);
      if (listed) {
        // The topic exists (api/topics lists it) but its details did not come: show what is known.
        setStatus(ui.status, `Could not load this topic's scope and briefing passages (${error.message}).`, true);
        ui.retry.hidden = false;
        return { id: topicId, title: topicTitle(topicId), scope: '', anchors: [], figures: [] };
      }
      ui.title.textContent = 'Unknown topic';
      document.title = 'Unknown topic · Monitor';
      setStatus(ui.status, `There is no topic “${topicId}”. The topics page lists the ${known.length || 18} baseline topics.`, true);
      return null;
    }
    console.error('Monitor: could not load the topic', error);
    setStatus(ui.status, `Could not load the topic (${error.message}).`, true);
    ui.retry.hidden = false;
    return null;
  }
}

async function main() {
  startClock();
  ui.retry.addEventListener('click', start);
  await start();
}

async function start() {
  await loadTopics();
  const topic = await loadTopic();
  if (!topic) {
    stateElement.dataset.state = 'disconnected';
    stateElement.querySelector('.connection-label').textContent = 'Not connected';
    return;
  }
  showTopic(topic);
  ui.content.hidden = false;
  if (live) return;
  live = createLive({ stateElement, onStatement: receiveStatement });
  await Promise.all([loadStatements(), loadChart()]);
  live.start();
}

main();
