// The topics overview (topics.html): the 18 baseline topics with their counts over 24 h, 7 d and 30 d and a
// sparkline of the last 30 daily counts (GET api/topics/summary), each linking to its page. A new statement pushed
// live adds one to every topic it carries; after a reconnect the summary is read again, so counts stay exact.
import { h, pageLink, setStatus, clear } from '../lib/dom.js';
import { get, getJson } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { sparkline, updateSparkline, isoDay } from '../lib/charts.js';
import { createLive, serverDate } from '../lib/live.js';

const DAYS = 30;

const ui = {
  list: document.getElementById('topics'),
  status: document.getElementById('topics-status'),
  retry: document.getElementById('topics-retry'),
  tagging: document.getElementById('tagging'),
};

// While the Tagging worker re-tags stored statements for a new topic file, its progress is read this often.
const TAGGING_POLL_MS = 10000;

const rows = new Map(); // topicId -> { topic, element, parts }
let caughtUpStatements = 0;
let loaded = false;

const live = createLive({
  stateElement: renderHeader('topics'),
  onStatement: receiveStatement,
  onCaughtUp: () => {
    // Statements delivered by a catch-up may already be in the counts; the summary says exactly.
    if (caughtUpStatements > 0) loadSummary();
    caughtUpStatements = 0;
  },
});

function count(value) {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The 30 daily counts, oldest first, ending today (UTC); days the API left out count 0. */
function dailySeries(daily) {
  const byDay = new Map();
  if (Array.isArray(daily)) for (const d of daily) if (d && typeof d.day === 'string') byDay.set(d.day.slice(0, 10), count(d.count));
  const days = [];
  const today = new Date();
  for (let i = DAYS - 1; i >= 0; i -= 1) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    days.push({ day: isoDay(day), count: byDay.get(isoDay(day)) ?? 0 });
  }
  return days;
}

function sparkLabel(topic) {
  const values = topic.daily.map((d) => d.count);
  const today = values[values.length - 1] ?? 0;
  return `Statements per day over the last ${DAYS} days: from ${Math.min(...values)} to ${Math.max(...values)}, today ${today}`;
}

function renderTopic(topic) {
  const item = h('li', 'topic');
  item.dataset.topicId = topic.id;
  const heading = h('h2', 'topic-name');
  heading.append(pageLink('topic.html', { id: topic.id }, topic.title, 'topic-link'));
  const counts = h('dl', 'topic-counts');
  const parts = {};
  for (const [key, label] of [['last24h', '24 h'], ['last7d', '7 days'], ['last30d', '30 days']]) {
    const group = h('div', 'topic-count');
    const value = h('dd', `count-${key.slice(4)}`, String(topic[key]));
    group.append(h('dt', null, label), value);
    counts.append(group);
    parts[key] = value;
  }
  const trend = h('div', 'topic-trend');
  parts.spark = sparkline(topic.daily.map((d) => d.count), sparkLabel(topic));
  trend.append(parts.spark);
  item.append(heading, counts, trend);
  return { topic, element: item, parts };
}

function show(row) {
  for (const key of ['last24h', 'last7d', 'last30d']) row.parts[key].textContent = String(row.topic[key]);
  updateSparkline(row.parts.spark, row.topic.daily.map((d) => d.count), sparkLabel(row.topic));
}

async function loadSummary() {
  ui.retry.hidden = true;
  if (!loaded) setStatus(ui.status, 'Loading topics…');
  try {
    const { body, headers } = await get('api/topics/summary');
    if (!Array.isArray(body)) throw new Error('GET api/topics/summary did not answer a JSON array');
    const topics = body.filter((t) => t && typeof t.id === 'string').map((t) => ({
      id: t.id,
      title: typeof t.title === 'string' && t.title !== '' ? t.title : t.id,
      last24h: count(t.last24h),
      last7d: count(t.last7d),
      last30d: count(t.last30d),
      daily: dailySeries(t.daily),
    }));
    if (!loaded || topics.length !== rows.size || topics.some((t) => !rows.has(t.id))) {
      clear(ui.list);
      rows.clear();
      for (const topic of topics) {
        const row = renderTopic(topic);
        rows.set(topic.id, row);
        ui.list.append(row.element);
      }
    } else {
      for (const topic of topics) {
        const row = rows.get(topic.id);
        row.topic = topic;
        show(row);
      }
    }
    loaded = true;
    live.setFloor(serverDate(headers));
    setStatus(ui.status, topics.length === 0 ? 'No topics are configured.' : '');
    return true;
  } catch (error) {
    console.error('Monitor: could not load the topic summary', error);
    setStatus(ui.status, `Could not load the topic counts (${error.message}).`, true);
    ui.retry.hidden = false;
    return false;
  }
}

function receiveStatement(statement, { via }) {
  if (via === 'catch-up') {
    caughtUpStatements += 1;
    return;
  }
  // A new revision of a statement already counted adds nothing.
  if (statement.revision !== 1) return;
  const today = isoDay(new Date());
  for (const { topicId } of statement.topics) {
    const row = rows.get(topicId);
    if (!row) continue;
    const topic = row.topic;
    topic.last24h += 1;
    topic.last7d += 1;
    topic.last30d += 1;
    if (topic.daily[topic.daily.length - 1]?.day !== today) topic.daily = dailySeries(topic.daily);
    topic.daily[topic.daily.length - 1].count += 1;
    show(row);
    row.element.classList.remove('is-updated');
    // Restart the highlight (reflow between remove and add).
    void row.element.offsetWidth;
    row.element.classList.add('is-updated');
  }
}

/** The topic file's version and, while one runs, the background re-tag's progress (GET api/tagging). */
async function showTagging() {
  let running = false;
  try {
    const tagging = await getJson('api/tagging');
    const hash = typeof tagging?.baselineVersion === 'string' ? tagging.baselineVersion.slice(0, 12) : '?';
    // "hybrid 1a2b3c…": how the tagger decides (rules and meaning, or rules alone) and the version its tags record.
    const version = typeof tagging?.mode === 'string' ? `${tagging.mode} ${hash}` : hash;
    const retag = tagging?.retag;
    running = retag?.state === 'running';
    const total = Number(retag?.total) || 0;
    const done = Math.min(Number(retag?.done) || 0, total);
    if (running) {
      ui.tagging.textContent = `Re-tagging stored statements for tagger ${version}: ${done.toLocaleString()} of `
        + `${total.toLocaleString()} (${total ? Math.floor((done / total) * 100) : 0}%). Counts change as it goes.`;
    } else if (retag?.state === 'finished') {
      ui.tagging.textContent = `Tagger ${version}: every stored statement is tagged with it.`;
    } else if (retag?.state === 'superseded') {
      ui.tagging.textContent = `Tagger ${version}: stored statements wait for the Tagging worker to re-tag them.`;
    } else {
      ui.tagging.textContent = `Tagger ${version}.`;
    }
    ui.tagging.hidden = false;
  } catch (error) {
    console.warn('Monitor: could not read the tagging state', error);
  }
  if (running) setTimeout(showTagging, TAGGING_POLL_MS);
  else if (ui.tagging.dataset.wasRunning === 'true') loadSummary(); // the run just finished: counts are final
  ui.tagging.dataset.wasRunning = String(running);
}

async function main() {
  showTagging();
  ui.retry.addEventListener('click', async () => {
    if (await loadSummary()) live.start();
  });
  if (await loadSummary()) live.start();
}

main();
