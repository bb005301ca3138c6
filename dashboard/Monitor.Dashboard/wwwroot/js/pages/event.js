// Event page (event.html?id=N): one event from GET api/events/{id} (EventDetail, docs/events.md): its statements in
// date order in two lanes (NATO | European Parliament), each linked to its statement page with the reason it joined,
// who spoke first per institution, each institution's key sentences side by side, the baseline figures its statements
// state with the changes inside the event, its topics, the entities its statements name (each a link to the history
// filtered by it) and the events merged into it. An id merged into another answers with
// the kept event: the page says so. Data reaches the DOM as text only (lib/dom.js).
import { h, asText, pageLink, setStatus, clear } from '../lib/dom.js';
import { get } from '../lib/api.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { parseDate, timeElement, dayFormat, absoluteFormat, startClock, dayElement } from '../lib/time.js';
import { renderHeader } from '../lib/layout.js';

const INSTITUTION_NAMES = { NATO: 'NATO', EP: 'European Parliament' };

const ui = {
  title: document.getElementById('event-title'),
  merged: document.getElementById('event-merged'),
  facts: document.getElementById('event-facts'),
  status: document.getElementById('event-status'),
  content: document.getElementById('event-content'),
  first: document.getElementById('event-first'),
  timeline: document.getElementById('event-timeline'),
  topics: document.getElementById('event-topics'),
  words: document.getElementById('event-words'),
  figuresSection: document.getElementById('figures-section'),
  figures: document.getElementById('event-figures'),
  entities: document.getElementById('event-entities'),
  mergesSection: document.getElementById('merges-section'),
  merges: document.getElementById('event-merges'),
  splitsSection: document.getElementById('splits-section'),
  splits: document.getElementById('event-splits'),
};

const institutionName = (code) => INSTITUTION_NAMES[asText(code)] ?? asText(code);

function renderFacts(event, members) {
  clear(ui.facts);
  const add = (label, ...value) => {
    ui.facts.append(h('dt', null, label));
    const dd = h('dd');
    dd.append(...value);
    ui.facts.append(dd);
  };
  if (asText(event.firstDay) === asText(event.lastDay)) add('Day', dayElement(event.firstDay));
  else add('Days', dayElement(event.firstDay), ' to ', dayElement(event.lastDay));
  const institutions = (Array.isArray(event.institutions) ? event.institutions : []).map(institutionName);
  add('Institutions', institutions.length ? `${institutions.join(', then ')}` : 'none');
  const count = Number.isSafeInteger(Number(event.members)) ? Number(event.members) : members.length;
  add('Statements', `${count} (NATO ${Number(event.natoMembers) || 0}, European Parliament ${Number(event.epMembers) || 0})`);
}

function renderFirstSpeakers(firstSpeakers, members) {
  clear(ui.first);
  const byId = new Map(members.map((m) => [asText(m.statementId), m]));
  const speakers = (Array.isArray(firstSpeakers) ? firstSpeakers : []).filter((s) => s && typeof s.institution === 'string');
  if (speakers.length === 0) {
    ui.first.append(h('li', 'muted', 'No statement yet.'));
    return;
  }
  for (const s of speakers) {
    const item = h('li', 'first-speaker');
    item.dataset.institution = s.institution;
    item.append(h('span', `badge badge-${s.institution.toLowerCase()}`, s.institution), ' ');
    const member = byId.get(asText(s.statementId));
    const title = asText(member?.title).trim() || `statement ${asText(s.statementId)}`;
    item.append(`${institutionName(s.institution)} first: `, pageLink('statement.html', { id: s.statementId }, title, 'first-link'));
    const at = parseDate(s.at);
    if (at) item.append(', ', h('span', 'first-at', absoluteFormat.format(at)));
    ui.first.append(item);
  }
}

function renderTimeline(members) {
  clear(ui.timeline);
  for (const m of members) {
    const institution = asText(m.institution);
    const lane = institution === 'NATO' ? 'lane-nato' : institution === 'EP' ? 'lane-ep' : 'lane-other';
    const item = h('li', `event-member ${lane}`);
    item.dataset.statementId = asText(m.statementId);
    item.dataset.institution = institution;
    const meta = h('p', 'member-meta');
    meta.append(h('span', `badge badge-${institution.toLowerCase() || 'other'}`, institution || 'Other'), dayElement(m.day), h('span', 'statement-source', asText(m.sourceId)));
    const at = parseDate(m.at);
    if (at) meta.append(timeElement(at));
    const title = h('p', 'member-title');
    title.append(pageLink('statement.html', { id: m.statementId }, asText(m.title).trim() || '(untitled statement)', 'member-link'));
    item.append(meta, title);
    if (asText(m.keySentence).trim() !== '') item.append(h('q', 'member-key', asText(m.keySentence).trim()));
    item.append(h('p', 'member-reason', `Why: ${asText(m.reason) || 'not recorded'}`));
    ui.timeline.append(item);
  }
  if (members.length === 0) ui.timeline.append(h('li', 'muted', 'This event holds no statement.'));
}

// Each institution's key sentences side by side, in date order (NATO, then the European Parliament, then any other).
function renderWords(members) {
  clear(ui.words);
  const institutions = ['NATO', 'EP', ...new Set(members.map((m) => asText(m.institution)).filter((i) => i !== 'NATO' && i !== 'EP'))];
  for (const institution of institutions) {
    const said = members.filter((m) => asText(m.institution) === institution && asText(m.keySentence).trim() !== '');
    if (said.length === 0 && institution !== 'NATO' && institution !== 'EP') continue;
    const column = h('section', `words-column lane-${institution.toLowerCase() || 'other'}`);
    column.dataset.institution = institution;
    const headingId = `words-${institution.toLowerCase() || 'other'}`;
    const heading = h('h3', null, institutionName(institution));
    heading.id = headingId;
    column.setAttribute('aria-labelledby', headingId);
    column.append(heading);
    if (said.length === 0) {
      column.append(h('p', 'muted', `No statement of ${institutionName(institution)} in this event yet.`));
    } else {
      const list = h('ul', 'words-list');
      for (const m of said) {
        const item = h('li', 'words-item');
        item.dataset.statementId = asText(m.statementId);
        const quote = h('blockquote', 'key-sentence');
        quote.append(h('p', null, asText(m.keySentence).trim()));
        const cite = h('p', 'key-source');
        cite.append(dayElement(m.day), ', ', pageLink('statement.html', { id: m.statementId }, asText(m.title).trim() || `statement ${asText(m.statementId)}`));
        item.append(quote, cite);
        list.append(item);
      }
      column.append(list);
    }
    ui.words.append(column);
  }
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

// The baseline figures the statements state, by figure and in date order; a value that differs from the event's
// previous statement of the same figure is marked as a change (in words, not only by colour).
function renderFigures(figures, members) {
  clear(ui.figures);
  const byId = new Map(members.map((m) => [asText(m.statementId), m]));
  const list = (Array.isArray(figures) ? figures : []).filter((f) => f && typeof f.figureId === 'string');
  ui.figuresSection.hidden = list.length === 0;
  for (const f of list) {
    const row = h('tr', f.changed === true ? 'figure-row figure-changed' : 'figure-row');
    row.dataset.figureId = f.figureId;
    row.dataset.statementId = asText(f.statementId);
    const member = byId.get(asText(f.statementId));
    const statement = h('td');
    const at = parseDate(f.at);
    statement.append(h('span', `badge badge-${asText(f.institution).toLowerCase() || 'other'}`, asText(f.institution) || 'Other'), ' ');
    if (at) statement.append(h('span', 'figure-at', dayFormat.format(at)), ' ');
    statement.append(pageLink('statement.html', { id: f.statementId }, asText(member?.title).trim() || `statement ${asText(f.statementId)}`));
    const states = h('td', 'figure-value', number.format(Number(f.value)));
    if (asText(f.evidence) !== '') states.append(' ', h('q', 'figure-evidence', asText(f.evidence)));
    const baseline = h('td', null, number.format(Number(f.baseline)));
    if (f.drift === true) baseline.append(' ', h('span', 'badge badge-drift', 'differs'));
    const change = h('td', 'figure-change', f.changed === true ? 'changed from the previous statement' : '—');
    row.append(h('th', 'figure-id', f.figureId), statement, states, baseline, change);
    row.firstChild.setAttribute('scope', 'row');
    ui.figures.append(row);
  }
}

function renderTopics(topics) {
  clear(ui.topics);
  const list = (Array.isArray(topics) ? topics : []).filter((t) => t && typeof t.topicId === 'string');
  if (list.length === 0) {
    ui.topics.append(h('li', 'muted', 'None of its statements matched a baseline topic.'));
    return;
  }
  for (const t of list) {
    const item = h('li', 'event-topic');
    item.dataset.topicId = t.topicId;
    const n = Number(t.statements) || 0;
    item.append(pageLink('topic.html', { id: t.topicId }, topicTitle(t.topicId)), ` (${n} statement${n === 1 ? '' : 's'})`);
    ui.topics.append(item);
  }
}

const KIND_NAMES = { country: 'country', organisation: 'organisation', person: 'person' };

function renderEntities(entities) {
  clear(ui.entities);
  const list = (Array.isArray(entities) ? entities : []).filter((e) => e && typeof e.entityId === 'string');
  if (list.length === 0) {
    ui.entities.append(h('li', 'muted', 'Its statements name no country, organisation or person of the gazetteer.'));
    return;
  }
  for (const e of list) {
    const item = h('li', 'event-entity');
    item.dataset.entityId = e.entityId;
    const n = Number(e.statements) || 0;
    const kind = KIND_NAMES[asText(e.kind)];
    item.append(pageLink('history.html', { entity: e.entityId }, asText(e.name) || e.entityId, 'entity-link'),
      ` (${kind ? `${kind}, ` : ''}${n} statement${n === 1 ? '' : 's'})`);
    ui.entities.append(item);
  }
}

function renderMerges(merges) {
  clear(ui.merges);
  const list = (Array.isArray(merges) ? merges : []).filter((m) => m && Number.isSafeInteger(Number(m.mergedId)));
  ui.mergesSection.hidden = list.length === 0;
  for (const m of list) {
    const item = h('li', 'event-merge');
    item.dataset.mergedId = asText(m.mergedId);
    item.append(`Event ${asText(m.mergedId)}, bridged by `, pageLink('statement.html', { id: m.statementId }, `statement ${asText(m.statementId)}`), `: ${asText(m.reason)}`);
    ui.merges.append(item);
  }
}

// Parts split off this event, and the event it was split from, each with the revised statement that cut it.
function renderSplits(eventId, splits) {
  clear(ui.splits);
  const list = (Array.isArray(splits) ? splits : []).filter((x) => x && Number.isSafeInteger(Number(x.partId)) && Number.isSafeInteger(Number(x.fromId)));
  ui.splitsSection.hidden = list.length === 0;
  for (const x of list) {
    const item = h('li', 'event-split');
    const off = Number(x.fromId) === Number(eventId);
    const other = off ? x.partId : x.fromId;
    item.append(
      off ? 'Split off into ' : 'Split from ',
      pageLink('event.html', { id: other }, `event ${asText(other)}`),
      ' when ',
      pageLink('statement.html', { id: x.statementId }, `statement ${asText(x.statementId)}`),
      ` was revised: ${asText(x.reason)}`);
    ui.splits.append(item);
  }
}

function notFound(message) {
  ui.title.textContent = 'No such event';
  document.title = 'No such event · Monitor';
  setStatus(ui.status, message, true);
}

async function main() {
  renderHeader('event').remove(); // not a live page: no connection to show
  startClock();
  const raw = new URLSearchParams(location.search).get('id') ?? '';
  if (!/^\d{1,18}$/.test(raw)) {
    notFound(raw === '' ? 'No event id was given (event.html?id=N).' : `“${raw}” is not an event id.`);
    return;
  }

  const [answer] = await Promise.allSettled([get(`api/events/${raw}`), loadTopics()]);
  if (answer.status === 'rejected') {
    const error = answer.reason;
    if (error?.status === 404) notFound(error.detail || `There is no event ${raw}.`);
    else {
      ui.title.textContent = 'The event could not be loaded';
      setStatus(ui.status, error?.message ?? String(error), true);
    }
    return;
  }

  const detail = answer.value.body ?? {};
  const event = detail.event ?? {};
  const members = (Array.isArray(detail.members) ? detail.members : []).filter((m) => m && m.statementId !== undefined);
  const title = asText(event.title).trim() || `Event ${raw}`;
  ui.title.textContent = title;
  document.title = `${title} · Monitor`;
  if (detail.requestedId !== null && detail.requestedId !== undefined) {
    ui.merged.textContent = `Event ${asText(detail.requestedId)} was merged into this one (event ${asText(event.id)}): a later statement bridged the two stories.`;
    ui.merged.hidden = false;
  }
  renderFacts(event, members);
  renderFirstSpeakers(detail.firstSpeakers, members);
  renderTimeline(members);
  renderWords(members);
  renderFigures(detail.figures, members);
  renderTopics(detail.topics);
  renderEntities(detail.entities);
  renderMerges(detail.merges);
  renderSplits(event.id, detail.splits);
  ui.content.hidden = false;
}

main();
