// One statement as the pages show it: normalised from the API or a live push, rendered as a list item.
import { h, asText, link, pageLink } from './dom.js';
import { parseDate, timeElement, absoluteFormat } from './time.js';
import { topicTitle } from './topics.js';

const MAX_EVIDENCE = 12;

export const DOCUMENT_TYPE_LABELS = {
  'press-release': 'Press release',
  speech: 'Speech',
  'text-adopted': 'Text adopted',
  declaration: 'Declaration',
  news: 'News',
  analysis: 'Analysis',
};

/** NATO or EP, from the source id's prefix (sources are named nato-… and ep-…). */
export function institutionOf(sourceId) {
  const id = asText(sourceId).toLowerCase();
  if (id.startsWith('nato')) return 'NATO';
  if (id.startsWith('ep')) return 'EP';
  return 'Other';
}

/** A statement object with checked types, or null when it lacks a numeric id and revision. */
export function normalizeStatement(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const statementId = Number(raw.statementId);
  const revision = Number(raw.revision);
  if (!Number.isSafeInteger(statementId) || !Number.isSafeInteger(revision)) return null;
  const topics = Array.isArray(raw.topics)
    ? raw.topics
      .filter((t) => t && typeof t.topicId === 'string')
      .map((t) => ({
        topicId: t.topicId,
        score: Number.isFinite(Number(t.score)) ? Math.min(1, Math.max(0, Number(t.score))) : 0,
        // Evidence items are { term, field, start, length }.
        evidence: Array.isArray(t.evidence) ? t.evidence.filter((e) => e && typeof e === 'object') : [],
      }))
      .sort((a, b) => b.score - a.score)
    : [];
  const figures = Array.isArray(raw.figures) ? raw.figures.filter((f) => f && typeof f.figureId === 'string') : [];
  return {
    statementId,
    revision,
    sourceId: asText(raw.sourceId),
    externalId: asText(raw.externalId),
    url: asText(raw.url),
    title: asText(raw.title),
    summary: asText(raw.summary),
    documentType: asText(raw.documentType),
    language: asText(raw.language),
    publishedAt: parseDate(raw.publishedAt),
    discoveredAt: parseDate(raw.discoveredAt),
    storedAt: parseDate(raw.storedAt),
    topics,
    figures,
    drift: figures.filter((f) => f.drift === true),
    event: normalizeEvent(raw.event),
  };
}

/**
 * The event a statement is in, as the lists carry it ({ eventId, newEvent, title, institutions, members }), or null
 * when it is not clustered yet (or the value is malformed).
 */
export function normalizeEvent(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const eventId = Number(raw.eventId);
  if (!Number.isSafeInteger(eventId) || eventId <= 0) return null;
  const members = Number(raw.members);
  return {
    eventId,
    newEvent: raw.newEvent === true,
    title: asText(raw.title),
    institutions: Array.isArray(raw.institutions) ? raw.institutions.filter((i) => typeof i === 'string') : [],
    members: Number.isSafeInteger(members) && members > 0 ? members : 1,
  };
}

/** A semantic vote (a sentence close in meaning to one of the topic's reference sentences), not a matched term. */
export function isSemantic(evidence) {
  return evidence.similarity !== undefined && evidence.similarity !== null && Number.isFinite(Number(evidence.similarity));
}

/** The matched terms of a topic, each once, in order. */
export function evidenceTerms(topic) {
  return [...new Set(topic.evidence.filter((e) => !isSemantic(e)).map((e) => asText(e.term)).filter((t) => t !== ''))];
}

/** The semantic votes of a topic: "≈ reference sentence (similarity)". */
export function semanticVotes(topic) {
  return topic.evidence.filter(isSemantic).map((e) => `≈ “${asText(e.term)}” (similarity ${Number(e.similarity).toFixed(2)})`);
}

export function renderChip(topic) {
  const chip = h('li', 'chip');
  chip.dataset.topicId = topic.topicId;
  chip.append(h('span', 'chip-title', topicTitle(topic.topicId)), ' ', h('span', 'chip-score', topic.score.toFixed(2)));
  const terms = evidenceTerms(topic);
  const votes = semanticVotes(topic);
  const shown = terms.slice(0, MAX_EVIDENCE);
  const lines = [`${topicTitle(topic.topicId)}: score ${topic.score.toFixed(2)}`];
  lines.push(shown.length || votes.length ? 'Evidence:' : 'No evidence recorded');
  for (const term of shown) lines.push(`• ${term}`);
  if (terms.length > shown.length) lines.push(`… and ${terms.length - shown.length} more`);
  for (const vote of votes) lines.push(`• ${vote}`);
  chip.setAttribute('title', lines.join('\n'));
  return chip;
}

export function renderDriftBadge(drift) {
  const badge = h('span', 'badge badge-drift', 'Figure drift');
  badge.setAttribute('title', drift.map((f) => `${f.figureId}: states ${f.value}, briefing ${f.baseline} (“${asText(f.evidence)}”)`).join('\n'));
  return badge;
}

/**
 * A statement as a list item: source, type, time, title (linking to the original), summary, topic chips, drift badge,
 * and a link to its page. `options.highlight(text, element)` may fill title and summary (the history page marks matches).
 */
export function renderStatement(statement, options = {}) {
  const item = h('li', 'statement');
  item.dataset.statementId = String(statement.statementId);
  item.dataset.revision = String(statement.revision);
  item.dataset.sourceId = statement.sourceId;

  const meta = h('p', 'statement-meta');
  const institution = institutionOf(statement.sourceId);
  meta.append(h('span', `badge badge-${institution.toLowerCase()}`, institution));
  const source = h('span', 'statement-source', statement.sourceId || 'unknown source');
  const sourceName = options.sourceName?.(statement.sourceId);
  if (sourceName) source.setAttribute('title', sourceName);
  meta.append(source);
  if (statement.documentType) meta.append(h('span', 'statement-type', DOCUMENT_TYPE_LABELS[statement.documentType] ?? statement.documentType));
  if (statement.publishedAt) {
    meta.append(timeElement(statement.publishedAt));
  } else {
    const undated = h('span', 'time', 'undated');
    if (statement.discoveredAt) undated.setAttribute('title', `Publication date unknown; discovered ${absoluteFormat.format(statement.discoveredAt)}`);
    meta.append(undated);
  }
  if (statement.revision > 1) meta.append(h('span', 'revision', `revision ${statement.revision}`));
  if (statement.drift.length > 0) meta.append(renderDriftBadge(statement.drift));

  const heading = h('h3', 'statement-title');
  const title = link(statement.url, '', 'statement-link');
  fill(title, statement.title.trim() || '(untitled statement)', options.highlight);
  heading.append(title);
  item.append(meta, heading);

  if (statement.summary.trim() !== '') item.append(fill(h('p', 'statement-summary'), statement.summary, options.highlight));

  if (statement.topics.length > 0) {
    const chips = h('ul', 'chips');
    chips.setAttribute('aria-label', 'Topics');
    for (const topic of statement.topics) chips.append(renderChip(topic));
    item.append(chips);
  } else {
    item.append(h('p', 'no-topics', 'No baseline topic'));
  }

  const details = pageLink('statement.html', { id: statement.statementId }, 'Details', 'statement-details');
  details.setAttribute('aria-label', `Details of “${statement.title.trim() || 'untitled statement'}”`);
  item.append(details);
  return item;
}

function fill(element, text, highlight) {
  if (highlight) highlight(text, element);
  else element.textContent = text;
  return element;
}
