// The living briefing (briefing.html, GET api/briefing): the EPRS briefing's sections in its order; under each topic
// its passage (quoted, with line numbers), the most significant NATO and EP statements of the period (each its own
// lead sentence, quoted and linked), the first and latest, weekly volume, who spoke first; then the baseline figures
// then and now. Every sentence is the briefing's, a statement's (quoted), or one of the templates below filled with
// counts and dates (briefing/text.js: the same wording as the exports' src/Monitor.Core/Briefing/BriefingText.cs).
import { h, pageLink, pageHref, setStatus, clear, asText, link } from '../lib/dom.js';
import { getJson } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { sparkline } from '../lib/charts.js';
import { formatDate, number, plural, periodLine, countLine, spokeFirstLine, stepLine } from './briefing/text.js';

const ui = {
  form: document.getElementById('briefing-period'),
  from: document.getElementById('briefing-from'),
  to: document.getElementById('briefing-to'),
  md: document.getElementById('briefing-md'),
  pdf: document.getElementById('briefing-pdf'),
  periodLine: document.getElementById('briefing-period-line'),
  status: document.getElementById('briefing-status'),
  toc: document.getElementById('briefing-toc'),
  sections: document.getElementById('briefing-sections'),
  figures: document.getElementById('briefing-figures'),
  figuresBody: document.querySelector('#briefing-figures-table tbody'),
};

/** The period the form asks for, as query parameters; null with a message when the dates are missing or reversed. */
function requestedPeriod() {
  const choice = new FormData(ui.form).get('period');
  if (choice === '7d' || choice === '30d') return { params: { period: choice } };
  if (choice !== 'range') return { params: {} };
  const from = ui.from.value;
  const to = ui.to.value;
  if (!from && !to) return { error: 'Choose a start date, an end date or both.' };
  if (from && to && from > to) return { error: 'The start date must not be after the end date.' };
  return { params: { from, to } };
}

/** A statement's page on the dashboard, its own sentence quoted, its source linked. */
function citation(c, { withDate = true } = {}) {
  const item = h('li', 'briefing-citation');
  item.dataset.statementId = asText(c.statementId);
  if (withDate) item.append(h('span', 'muted', `${formatDate(c.at)}: `));
  item.append(pageLink('statement.html', { id: c.statementId }, `“${asText(c.sentence)}”`, 'briefing-quote'), ' ',
    link(c.url, `(${asText(c.sourceId)})`, 'small'));
  return item;
}

function statementLine(label, c) {
  const p = h('p');
  p.append(`${label}: ${formatDate(c.at)}, `, pageLink('statement.html', { id: c.statementId }, c.title), ` (${asText(c.sourceId)}).`);
  return p;
}

function renderTopic(topic) {
  const article = h('article', 'panel briefing-topic');
  article.id = `topic-${topic.topicId}`;
  article.dataset.topic = topic.topicId;
  const heading = h('h3');
  heading.id = `topic-${topic.topicId}-heading`;
  heading.append(pageLink('topic.html', { id: topic.topicId }, topic.title));
  article.setAttribute('aria-labelledby', heading.id);
  article.append(heading);

  const passage = h('blockquote', 'briefing-passage');
  passage.setAttribute('cite', 'https://www.europarl.europa.eu/thinktank/');
  for (const quote of topic.passage ?? []) {
    const p = h('p');
    p.dataset.line = asText(quote.line);
    p.append(h('q', null, quote.text), h('span', 'muted small', ` (briefing, line ${quote.line})`));
    passage.append(p);
  }
  article.append(passage, h('p', 'briefing-count', countLine(topic)));

  const since = h('div', 'briefing-since');
  for (const [key, name] of [['nato', 'NATO'], ['ep', 'European Parliament']]) {
    const list = topic[key] ?? [];
    const block = h('div', `briefing-since-${key}`);
    block.append(h('h4', null, `${name}, newest first`));
    if (list.length === 0) {
      block.append(h('p', 'muted small', `No significant ${name} statement in the period.`));
    } else {
      const ol = h('ol');
      for (const c of list) ol.append(citation(c));
      block.append(ol);
    }
    since.append(block);
  }
  article.append(since);

  const facts = h('div', 'briefing-facts');
  if (topic.first) facts.append(statementLine('First in the period', topic.first));
  if (topic.latest) facts.append(statementLine('Latest', topic.latest));
  const spoke = spokeFirstLine(topic);
  if (spoke) facts.append(h('p', 'briefing-spoke-first', spoke));
  const weeks = topic.weekly ?? [];
  if (weeks.length > 1) {
    const values = weeks.map((w) => Number(w.statements) || 0);
    const label = `Statements per week from the week of ${weeks[0].start}: ${values.reduce((a, b) => a + b, 0)} in ${plural(values.length, 'week')}, at most ${Math.max(...values)} in one`;
    const chart = h('p', 'briefing-volume');
    chart.append(sparkline(values, label), h('span', 'muted small', ` ${label}.`));
    facts.append(chart);
  }
  article.append(facts);
  return article;
}

function renderSections(report) {
  clear(ui.sections);
  const toc = h('ol');
  for (const section of report.sections) {
    const block = h('section', 'briefing-section');
    block.id = `section-${section.line}`;
    block.dataset.line = asText(section.line);
    const heading = h('h2', null, section.heading);
    heading.id = `section-${section.line}-heading`;
    block.setAttribute('aria-labelledby', heading.id);
    block.append(heading);
    if (section.topics.length === 0) block.append(h('p', 'muted small', 'No topic is anchored under this heading.'));
    for (const topic of section.topics) block.append(renderTopic(topic));
    ui.sections.append(block);
    const item = h('li');
    const a = h('a', null, section.heading);
    a.setAttribute('href', `${location.pathname}${location.search}#${block.id}`);
    item.append(a);
    toc.append(item);
  }
  ui.toc.replaceChildren(h('h2', 'visually-hidden', 'Sections'), toc);
  ui.toc.hidden = false;
}

function figureCell(content) {
  const td = h('td');
  td.append(...[content].flat());
  return td;
}

function renderFigures(figures) {
  clear(ui.figuresBody);
  for (const f of figures) {
    const row = h('tr');
    row.dataset.figure = f.figureId;
    const name = h('th', null, f.quantity);
    name.setAttribute('scope', 'row');
    if (f.passage) name.append(h('span', 'muted small', ` (briefing, line ${f.passage.line})`));
    // The quote is the link's own text: a <q> inside a link did not take a pointer click in Chromium.
    const latest = f.latest
      ? [h('strong', null, number(f.latestValue)), ' ', pageLink('statement.html', { id: f.latest.statementId }, `“${asText(f.latest.sentence)}”`, 'briefing-quote')]
      : ['not stated in the period'];
    const who = f.latest ? [`${f.latest.sourceId} (${f.latest.institution}), ${formatDate(f.latest.at)}`] : ['–'];
    const history = h('ol', 'briefing-history');
    for (const step of f.history) {
      history.append(h('li', null, stepLine(step)));
    }
    const historyCell = [h('p', 'briefing-history-line', f.history.map((s) => number(s.value)).join(' → ')), history];
    const conflicts = f.conflicts.length === 0 ? ['none'] : f.conflicts.map((c) => {
      const p = h('p', 'briefing-conflict');
      p.append('Conflict: ',
        pageLink('statement.html', { id: c.earlier.statementId }, `${number(c.earlierValue)} on ${formatDate(c.earlier.at)}`),
        ' (', h('q', null, c.earlier.sentence), ') and ',
        pageLink('statement.html', { id: c.later.statementId }, `${number(c.laterValue)} on ${formatDate(c.later.at)}`),
        ' (', h('q', null, c.later.sentence), ')');
      return p;
    });
    row.append(name, figureCell(number(f.baseline)), figureCell(latest), figureCell(who), figureCell(historyCell), figureCell(conflicts));
    ui.figuresBody.append(row);
  }
  ui.figures.hidden = false;
}

async function load() {
  const { params, error } = requestedPeriod();
  if (error) {
    setStatus(ui.status, error, true);
    return;
  }
  ui.md.setAttribute('href', pageHref('api/briefing.md', params));
  ui.pdf.setAttribute('href', pageHref('api/briefing.pdf', params));
  setStatus(ui.status, 'Loading the briefing…');
  try {
    const report = await getJson('api/briefing', params);
    ui.periodLine.textContent = periodLine(report);
    renderSections(report);
    renderFigures(report.figures);
    setStatus(ui.status, '');
    const query = pageHref('briefing.html', params);
    if (`${location.pathname.slice(1)}${location.search}` !== query) history.replaceState(null, '', query);
  } catch (failure) {
    console.error('Monitor: could not load the briefing', failure);
    setStatus(ui.status, `Could not load the briefing (${failure.message}).`, true);
  }
}

function restoreFromUrl() {
  const query = new URLSearchParams(location.search);
  const period = query.get('period');
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const value = period === '7d' || period === '30d' ? period : from || to ? 'range' : 'baseline';
  ui.form.querySelector(`input[name="period"][value="${value}"]`).checked = true;
  ui.from.value = from;
  ui.to.value = to;
}

renderHeader('briefing').remove(); // not a live page: no connection to show
restoreFromUrl();
ui.form.addEventListener('change', (event) => {
  if (event.target.name === 'period' && event.target.value !== 'range') load();
});
ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const range = ui.form.querySelector('input[name="period"][value="range"]');
  if (ui.from.value || ui.to.value) range.checked = true;
  load();
});
load();
