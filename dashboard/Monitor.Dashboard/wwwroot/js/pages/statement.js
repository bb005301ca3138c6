// Statement page (statement.html?id=N): one statement in full from GET api/statements/{id} (StatementDetail).
//
// Where the evidence offsets point: the tagger reads two fields (TagStatementConsumer, RetagService):
//   "title" → the title;  "body" → summary + "\n" + body (the summary alone when the body is empty).
// So a "body" offset is NOT an offset into StatementDetail.body: this page rebuilds that same text from summary and
// body and places the marks there, after checking each span still holds its term (word-aligned, same first letter).
// A topic whose spans do not fit the text falls back to marking its terms wherever they occur, and says so.
import { h, asText, link, pageLink, setStatus, clear } from '../lib/dom.js';
import { get, getJson } from '../lib/api.js';
import { loadTopics, topicTitle } from '../lib/topics.js';
import { institutionOf, DOCUMENT_TYPE_LABELS, evidenceTerms, isSemantic } from '../lib/statements.js';
import { parseDate, timeElement, absoluteFormat, startClock } from '../lib/time.js';
import { renderHeader } from '../lib/layout.js';
import { words, findRanges } from '../lib/textmatch.js';
import { languageName, orderForReader, isReaderLanguage, primaryLanguage } from '../lib/translations.js';
import { setUpStatementTriage } from '../lib/triage.js';

const COLOURS = 8; // evidence-c0 … evidence-c7 in statement.css

const ui = {
  meta: document.getElementById('statement-meta'),
  title: document.getElementById('statement-title'),
  languages: document.getElementById('statement-languages'),
  dates: document.getElementById('statement-dates'),
  status: document.getElementById('statement-status'),
  topicsSection: document.getElementById('topics-section'),
  legend: document.getElementById('topic-legend'),
  evidenceNote: document.getElementById('evidence-note'),
  figuresSection: document.getElementById('figures-section'),
  figures: document.getElementById('figures'),
  body: document.getElementById('statement-body'),
  passages: document.getElementById('passages'),
  passagesStatus: document.getElementById('passages-status'),
  related: document.getElementById('related'),
  relatedStatus: document.getElementById('related-status'),
  revisions: document.getElementById('revisions'),
  revisionsStatus: document.getElementById('revisions-status'),
};

/** topicId → { colour, marks: [] } */
const topicMarks = new Map();

/** The two texts the tagger read (title, and summary + newline + body), for quoting the sentence of a semantic vote. */
let fieldTexts = { title: '', body: '' };

/** The statement's sentence a semantic vote points at, shortened for the legend; '' when the span does not fit. */
function sentenceOf(vote) {
  const text = fieldTexts[vote.field === 'title' ? 'title' : 'body'] ?? '';
  const start = Number(vote.start);
  const length = Number(vote.length);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length <= 0 || start + length > text.length) return '';
  const sentence = text.slice(start, start + length).replace(/\s+/g, ' ').trim();
  return sentence.length > 220 ? `${sentence.slice(0, 217)}…` : sentence;
}

// ---------------------------------------------------------------------------------------------
// Evidence

function topicsOf(detail) {
  return (Array.isArray(detail.topics) ? detail.topics : [])
    .filter((t) => t && typeof t.topicId === 'string')
    .map((t) => ({
      topicId: t.topicId,
      score: Number.isFinite(Number(t.score)) ? Number(t.score) : 0,
      evidence: Array.isArray(t.evidence) ? t.evidence.filter((e) => e && typeof e === 'object') : [],
    }))
    .sort((a, b) => b.score - a.score);
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Does the span still hold the term: inside the text, on word boundaries, and starting with the term's first letter? */
function fits(text, evidence) {
  const start = Number(evidence.start);
  const length = Number(evidence.length);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length <= 0 || start + length > text.length) return false;
  if (start > 0 && WORD_CHAR.test(text[start - 1]) && WORD_CHAR.test(text[start])) return false;
  const end = start + length;
  if (end < text.length && WORD_CHAR.test(text[end - 1]) && WORD_CHAR.test(text[end])) return false;
  const found = words(text.slice(start, end));
  const term = words(asText(evidence.term));
  if (found.length === 0 || term.length === 0) return false;
  return found.join(' ') === term.join(' ') || found[0][0] === term[0][0];
}

/**
 * The marks per field: { title: [{start, end, topicId, term}], body: [...] } and the topics whose offsets did not fit
 * (marked by their terms instead).
 */
function evidenceRanges(topics, fields) {
  const ranges = { title: [], body: [] };
  const byTerm = [];
  for (const topic of topics) {
    const placed = [];
    let misfits = 0;
    const termEvidence = topic.evidence.filter((e) => !isSemantic(e));
    for (const e of termEvidence) {
      const field = e.field === 'title' ? 'title' : e.field === 'body' ? 'body' : null;
      if (field && fits(fields[field], e)) placed.push({ field, start: Number(e.start), end: Number(e.start) + Number(e.length), topicId: topic.topicId, term: asText(e.term) });
      else misfits += 1;
    }
    if (termEvidence.length > 0 && misfits * 2 > termEvidence.length) {
      byTerm.push(topic.topicId);
      const terms = [...new Set(termEvidence.map((e) => asText(e.term)))].map((t) => ({ words: words(t), prefix: false }));
      for (const field of ['title', 'body']) {
        for (const r of findRanges(fields[field], terms)) {
          ranges[field].push({ ...r, topicId: topic.topicId, term: fields[field].slice(r.start, r.end) });
        }
      }
    } else {
      for (const p of placed) ranges[p.field].push(p);
    }
  }
  return { ranges, byTerm };
}

function evidenceMark(range) {
  const entry = topicMarks.get(range.topicId);
  const mark = h('mark', `evidence evidence-c${entry?.colour ?? 0}`);
  mark.dataset.topicId = range.topicId;
  mark.setAttribute('title', `${topicTitle(range.topicId)}: ${range.term}`);
  entry?.marks.push(mark);
  return mark;
}

/**
 * Appends text[from, to) to the element, each piece wrapped in the marks of every range covering it (nested, in the
 * order of the ranges' topics), as DOM nodes only.
 */
function appendWithMarks(element, text, from, to, ranges) {
  const inside = ranges.filter((r) => r.end > from && r.start < to);
  const cuts = new Set([from, to]);
  for (const r of inside) {
    cuts.add(Math.max(from, r.start));
    cuts.add(Math.min(to, r.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = inside.filter((r) => r.start <= a && r.end >= b);
    const piece = text.slice(a, b);
    if (covering.length === 0) {
      element.append(document.createTextNode(piece));
      continue;
    }
    // One mark per topic covering the piece (the same topic twice would only nest the same colour).
    const seen = new Set();
    let parent = element;
    for (const r of covering) {
      if (seen.has(r.topicId)) continue;
      seen.add(r.topicId);
      const mark = evidenceMark(r);
      parent.append(mark);
      parent = mark;
    }
    parent.append(document.createTextNode(piece));
  }
}

/** Paragraphs of text[from, to): one <p> per run of non-empty lines. */
function appendParagraphs(container, text, from, to, ranges, className) {
  const line = /[^\n]+/g;
  line.lastIndex = from;
  let match;
  while ((match = line.exec(text)) !== null && match.index < to) {
    const start = match.index;
    const end = Math.min(to, start + match[0].length);
    if (text.slice(start, end).trim() === '') continue;
    const p = h('p', className);
    appendWithMarks(p, text, start, end, ranges);
    container.append(p);
  }
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderHeaderBlock(detail, sourceName) {
  const institution = institutionOf(detail.sourceId);
  ui.meta.replaceChildren(h('span', `badge badge-${institution.toLowerCase()}`, institution));
  const source = h('span', 'statement-source', sourceName ? `${sourceName} (${detail.sourceId})` : detail.sourceId);
  ui.meta.append(source);
  if (detail.documentType) ui.meta.append(h('span', 'statement-type', DOCUMENT_TYPE_LABELS[detail.documentType] ?? detail.documentType));
  if (detail.revision > 1) ui.meta.append(h('span', 'revision', `revision ${detail.revision}`));

  clear(ui.dates);
  const add = (label, value) => {
    if (value === null || value === undefined || value === '') return;
    ui.dates.append(h('dt', null, label));
    const dd = h('dd');
    dd.append(value);
    ui.dates.append(dd);
  };
  const dated = (value) => {
    const date = parseDate(value);
    if (!date) return null;
    const span = h('span');
    span.append(absoluteFormat.format(date), ' (', timeElement(date), ')');
    return span;
  };
  add('Published', dated(detail.publishedAt) ?? 'not given by the source');
  add('First seen', dated(detail.firstSeenAt));
  add('Updated', dated(detail.updatedAt));
  add('Language', asText(detail.language));
  add('Id at the source', asText(detail.externalId));
  renderEventLink(detail);
}

/** "Event: <title>" linking to the event page when the statement is in an event (eventId; null until clustered). */
async function renderEventLink(detail) {
  const id = Number(detail.eventId);
  if (detail.eventId === null || detail.eventId === undefined || !Number.isSafeInteger(id)) return;
  let title = `event ${id}`;
  try {
    title = asText((await getJson(`api/events/${id}`))?.event?.title).trim() || title;
  } catch {
    // The link still leads to the event; its page says what went wrong.
  }
  const dd = h('dd', 'statement-event');
  dd.append(pageLink('event.html', { id }, `Event: ${title}`, 'statement-event-link'));
  ui.dates.append(h('dt', null, 'Part of'), dd);
}

function renderText(detail, topics) {
  const title = asText(detail.title).trim() === '' ? '' : asText(detail.title);
  const summary = asText(detail.summary);
  const body = asText(detail.body);
  // The text the tagger's "body" offsets count in (see the note at the top).
  const bodyField = body === '' ? summary : `${summary}\n${body}`;
  fieldTexts = { title, body: bodyField };
  const { ranges, byTerm } = evidenceRanges(topics, { title, body: bodyField });

  const heading = link(detail.url, '', 'statement-link');
  if (title === '') heading.textContent = '(untitled statement)';
  else appendWithMarks(heading, title, 0, title.length, ranges.title);
  ui.title.replaceChildren(heading);
  if (heading.tagName === 'A') heading.setAttribute('title', 'Open the original (new tab)');

  clear(ui.body);
  // Many feeds' summary is the text's first paragraph: shown once, in the text.
  const squash = (text) => text.replace(/\s+/g, ' ').trim();
  const summaryInBody = body.trim() !== '' && squash(body).includes(squash(summary));
  if (summary.trim() !== '' && !summaryInBody) {
    const block = h('div', 'statement-lead');
    block.append(h('h3', 'text-part', 'Summary'));
    appendParagraphs(block, bodyField, 0, summary.length, ranges.body, null);
    ui.body.append(block);
  }
  if (body.trim() !== '') {
    const block = h('div', 'statement-fulltext');
    block.append(h('h3', 'text-part', 'Full text'));
    appendParagraphs(block, bodyField, summary.length + 1, bodyField.length, ranges.body, null);
    ui.body.append(block);
  }
  if (summary.trim() === '' && body.trim() === '') ui.body.append(h('p', 'muted', 'The source gave no text beyond the title.'));

  if (byTerm.length > 0) {
    setStatus(ui.evidenceNote, `The stored positions of ${byTerm.map(topicTitle).join(', ')} do not fit this text (it may have changed since tagging), so their terms are marked wherever they occur.`);
  }
}

/**
 * "Also in: Deutsch · Français": the statement's other language versions (detail.translations), each link named in its
 * own language and marked with it (lang, hreflang), the reader's languages (navigator.languages) first.
 */
function renderLanguages(detail) {
  const readerLanguages = navigator.languages?.length ? [...navigator.languages] : [navigator.language];
  const versions = orderForReader(detail.translations, readerLanguages);
  clear(ui.languages);
  ui.languages.hidden = versions.length === 0;
  if (versions.length === 0) return;
  ui.languages.append(h('span', 'languages-label', 'Also in: '));
  const list = h('ul', 'languages-list');
  for (const version of versions) {
    const item = h('li', 'language-item');
    const a = link(version.url, languageName(version.language), 'language-link');
    a.setAttribute('lang', version.language);
    a.setAttribute('hreflang', version.language);
    a.dataset.language = version.language;
    if (version.title.trim() !== '') a.setAttribute('title', version.title);
    if (isReaderLanguage(version.language, readerLanguages)) a.classList.add('reader-language');
    item.append(a);
    list.append(item);
  }
  ui.languages.append(list);
}

function renderLegend(topics, untaggedReason) {
  clear(ui.legend);
  ui.topicsSection.hidden = false;
  if (untaggedReason) {
    ui.legend.append(h('li', 'untagged-reason', `Not tagged: ${untaggedReason}.`));
    return;
  }
  if (topics.length === 0) {
    ui.legend.append(h('li', 'muted', 'No baseline topic matched this statement.'));
    return;
  }
  for (const topic of topics) {
    const entry = topicMarks.get(topic.topicId);
    const item = h('li', 'legend-item');
    item.dataset.topicId = topic.topicId;
    const button = h('button', 'legend-toggle');
    button.type = 'button';
    button.setAttribute('aria-pressed', 'true');
    const swatch = h('span', `swatch evidence-c${entry.colour}`);
    swatch.setAttribute('aria-hidden', 'true');
    const count = entry.marks.length;
    button.append(swatch, h('span', 'legend-title', topicTitle(topic.topicId)), h('span', 'legend-score', topic.score.toFixed(2)));
    button.setAttribute('title', `Score ${topic.score.toFixed(2)}; ${count} marked passage${count === 1 ? '' : 's'}. Press to hide or show its marks.`);
    button.addEventListener('click', () => {
      const shown = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', String(shown));
      for (const mark of entry.marks) mark.classList.toggle('evidence-off', !shown);
    });
    const terms = evidenceTerms(topic);
    const detail = h('p', 'legend-terms', terms.length ? `Evidence: ${terms.join(' · ')}` : 'No matched term');
    item.append(button, detail);
    // A semantic vote: the statement's sentence, the reference sentence it resembles, and how closely.
    for (const vote of topic.evidence.filter(isSemantic)) {
      const line = h('p', 'legend-semantic');
      const sentence = sentenceOf(vote);
      line.append(`Meaning: ${sentence ? `“${sentence}” ` : ''}resembles “${asText(vote.term)}” (similarity ${Number(vote.similarity).toFixed(2)})`);
      item.append(line);
    }
    item.append(pageLink('history.html', { topics: topic.topicId }, 'More on this topic', 'legend-link'));
    ui.legend.append(item);
  }
}

function renderFigures(detail) {
  const figures = (Array.isArray(detail.figures) ? detail.figures : []).filter((f) => f && typeof f.figureId === 'string');
  ui.figuresSection.hidden = figures.length === 0;
  clear(ui.figures);
  for (const f of figures) {
    const item = h('li', 'figure');
    item.dataset.figureId = f.figureId;
    item.append(h('span', 'figure-id', f.figureId), ' ');
    item.append(h('span', 'figure-values', `states ${asText(f.value)}, briefing ${asText(f.baseline)}`));
    if (f.drift === true) item.append(' ', h('span', 'badge badge-drift', 'Figure drift'));
    else item.append(' ', h('span', 'badge badge-same', 'as in briefing'));
    if (asText(f.evidence) !== '') item.append(h('q', 'figure-evidence', asText(f.evidence)));
    ui.figures.append(item);
  }
}

function renderRevisions(detail) {
  const revisions = (Array.isArray(detail.revisions) ? detail.revisions : []).filter((r) => r && Number.isSafeInteger(Number(r.revision)));
  clear(ui.revisions);
  setStatus(ui.revisionsStatus, revisions.length <= 1 ? 'Only one version has been seen: nothing changed since it was first stored.' : '');
  for (const r of [...revisions].reverse()) {
    const item = h('li', 'revision-item');
    item.dataset.revision = String(r.revision);
    const head = h('p', 'revision-head');
    head.append(h('strong', null, `Revision ${r.revision}`));
    const stored = parseDate(r.storedAt);
    if (stored) head.append(' · stored ', timeElement(stored));
    item.append(head);
    const changes = Array.isArray(r.changes) ? r.changes : [];
    if (Number(r.revision) === 1) item.append(h('p', 'muted', 'First version.'));
    else if (changes.length === 0) item.append(h('p', 'muted', 'No change in title, summary or text.'));
    for (const change of changes) {
      const field = asText(change?.field);
      const block = field === 'body' ? h('details', 'change') : h('div', 'change');
      const label = field === 'body' ? h('summary', 'change-field', 'Text changed (show)') : h('p', 'change-field', `${field === 'title' ? 'Title' : field === 'summary' ? 'Summary' : field} changed`);
      const diff = h('p', 'diff');
      for (const piece of Array.isArray(change?.pieces) ? change.pieces : []) {
        const text = asText(piece?.text);
        if (piece?.kind === 'inserted') diff.append(diffPiece('ins', 'inserted', text));
        else if (piece?.kind === 'deleted') diff.append(diffPiece('del', 'deleted', text));
        else diff.append(document.createTextNode(text)); // "kept" (the API's word for unchanged)
      }
      block.append(label, diff);
      item.append(block);
    }
    ui.revisions.append(item);
  }
}

function diffPiece(tag, word, text) {
  const element = h(tag);
  element.append(h('span', 'visually-hidden', `[${word}: `), text, h('span', 'visually-hidden', ']'));
  return element;
}

function renderRelated(detail) {
  const related = (Array.isArray(detail.related) ? detail.related : []).filter((r) => r && typeof r.sourceId === 'string');
  clear(ui.related);
  setStatus(ui.relatedStatus, related.length === 0 ? 'No other source carried this or said something close within three days.' : '');
  for (const r of related) {
    const item = h('li', 'related-item');
    item.dataset.statementId = asText(r.statementId);
    item.dataset.sourceId = r.sourceId;
    const meta = h('p', 'related-meta');
    const institution = institutionOf(r.sourceId);
    meta.append(h('span', `badge badge-${institution.toLowerCase()}`, institution), h('span', 'statement-source', r.sourceId));
    const at = parseDate(r.at);
    if (at) meta.append(timeElement(at));
    if (r.spokeFirst === true) meta.append(h('span', 'badge badge-first', 'spoke first'));
    else meta.append(h('span', 'badge badge-later', 'after this one'));
    if (r.sameDocument === true) meta.append(h('span', 'badge badge-same-document', 'same document'));
    item.append(meta);
    if (r.sameDocument === true) {
      item.append(h('p', 'related-title', `${r.sourceId} carried this same document${at ? `, first seen ${absoluteFormat.format(at)}` : ''}.`));
    } else {
      const title = asText(r.title).trim() || '(untitled statement)';
      item.append(pageLink('statement.html', { id: r.statementId }, title, 'related-title'));
      const shared = Array.isArray(r.sharedTerms) ? r.sharedTerms.filter((t) => typeof t === 'string') : [];
      if (shared.length > 0) item.append(h('p', 'related-terms', `Shared words: ${shared.join(', ')}`));
    }
    ui.related.append(item);
  }
}

async function renderPassages(topics, untaggedReason) {
  clear(ui.passages);
  if (untaggedReason) {
    setStatus(ui.passagesStatus, 'It is not tagged, so no briefing passage.');
    return;
  }
  if (topics.length === 0) {
    setStatus(ui.passagesStatus, 'It matched no baseline topic, so no briefing passage.');
    return;
  }
  const answers = await Promise.allSettled(topics.map((t) => getJson(`api/topics/${encodeURIComponent(t.topicId)}`)));
  if (answers.every((a) => a.status === 'rejected')) {
    const notServed = answers.every((a) => a.reason?.status === 404);
    setStatus(ui.passagesStatus, notServed
      ? 'Briefing passages unavailable: this dashboard does not serve the topic passages (api/topics/{id}) yet.'
      : `Briefing passages unavailable: ${answers[0].reason?.message ?? 'the request failed'}.`, !notServed);
    ui.passagesStatus.classList.add('passages-unavailable');
    return;
  }
  setStatus(ui.passagesStatus, '');
  topics.forEach((topic, i) => {
    const item = h('li', 'passage-topic');
    item.dataset.topicId = topic.topicId;
    const swatch = h('span', `swatch evidence-c${topicMarks.get(topic.topicId)?.colour ?? 0}`);
    swatch.setAttribute('aria-hidden', 'true');
    const heading = h('h3', 'passage-heading');
    const answer = answers[i];
    const title = topicTitle(topic.topicId) !== topic.topicId ? topicTitle(topic.topicId) : asText(answer.value?.title) || topic.topicId;
    heading.append(swatch, pageLink('topic.html', { id: topic.topicId }, title));
    item.append(heading);
    const anchors = answer.status === 'fulfilled' && Array.isArray(answer.value?.anchors) ? answer.value.anchors.filter((a) => a && typeof a === 'object') : [];
    if (answer.status === 'rejected') item.append(h('p', 'status-error', `Unavailable: ${answer.reason?.message ?? 'the request failed'}`));
    else if (anchors.length === 0) item.append(h('p', 'muted', 'The briefing gives no passage for this topic.'));
    else {
      const list = h('ol', 'passage-list');
      for (const anchor of anchors) {
        const li = h('li', 'passage');
        const quote = h('blockquote', 'passage-text', asText(anchor.text));
        li.append(quote);
        if (Number.isSafeInteger(Number(anchor.line)) && anchor.line !== null) li.append(h('p', 'passage-line', `Briefing, line ${anchor.line}`));
        list.append(li);
      }
      item.append(list);
    }
    ui.passages.append(item);
  });
}

// ---------------------------------------------------------------------------------------------
// Start-up

function notFound(message) {
  ui.title.textContent = 'No such statement';
  document.title = 'No such statement · Monitor';
  setStatus(ui.status, message, true);
  for (const status of [ui.passagesStatus, ui.relatedStatus, ui.revisionsStatus]) setStatus(status, '');
}

async function main() {
  renderHeader('statement').remove(); // not a live page: no connection to show
  startClock();
  const raw = new URLSearchParams(location.search).get('id') ?? '';
  if (!/^\d{1,18}$/.test(raw)) {
    notFound(raw === '' ? 'No statement id was given (statement.html?id=N).' : `“${raw}” is not a statement id.`);
    return;
  }

  const [detailAnswer, , sourcesAnswer] = await Promise.allSettled([
    get(`api/statements/${raw}`), loadTopics(), getJson('api/sources'),
  ]);
  if (detailAnswer.status === 'rejected') {
    const error = detailAnswer.reason;
    if (error?.status === 404) notFound(error.detail || `There is no statement ${raw}.`);
    else {
      ui.title.textContent = 'The statement could not be loaded';
      setStatus(ui.status, error?.message ?? String(error), true);
    }
    return;
  }
  const detail = detailAnswer.value.body;
  const sourceName = sourcesAnswer.status === 'fulfilled' && Array.isArray(sourcesAnswer.value)
    ? asText(sourcesAnswer.value.find((s) => s?.id === detail.sourceId)?.name)
    : '';

  const topics = topicsOf(detail);
  topics.forEach((t, i) => topicMarks.set(t.topicId, { colour: i % COLOURS, marks: [] }));
  document.title = `${asText(detail.title).trim() || 'Statement'} · Monitor`;
  const untaggedReason = asText(detail.untaggedReason).trim();
  renderHeaderBlock(detail, sourceName);
  setUpStatementTriage(Number(raw)); // the signed-in user's marks; nothing for anonymous readers
  renderText(detail, topics);
  // Text in another language than the page's is marked so (screen readers switch voice).
  const language = primaryLanguage(detail.language);
  for (const element of [ui.title, ui.body]) {
    if (language && language !== 'en') element.setAttribute('lang', language);
    else element.removeAttribute('lang');
  }
  renderLanguages(detail);
  renderLegend(topics, untaggedReason);
  renderFigures(detail);
  renderRevisions(detail);
  renderRelated(detail);
  await renderPassages(topics, untaggedReason);
}

main();
