// Pure helpers of the saved searches on the history page: the page's query (history.html?…) as the query string of
// GET api/statements that a saved search keeps. No DOM here, so tests/Monitor.Dashboard.Js runs it under Node.

/** The statement filters (and order) a saved search keeps, in the API's names; the page's view and institution are not among them. */
export const SAVED_PARAMS = ['q', 'topics', 'topicMatch', 'minScore', 'sources', 'types', 'from', 'to', 'drift', 'language', 'entity', 'unread', 'starred', 'label', 'sort'];

/** What an alert subscription cannot carry (the server refuses to make an alert of a search with them). */
export const NOT_FOR_ALERTS = { from: 'from', to: 'to', language: 'language', entity: 'entities', unread: 'unread', starred: 'starred', label: 'label' };

/**
 * The page's search ("?q=…&to=2026-01-31&view=events") as the API's query string: the page's "To" is inclusive and the
 * API's 'to' exclusive, so a date-only 'to' becomes the next day, as the history page itself sends it.
 */
export function apiQueryOf(search) {
  const page = new URLSearchParams(search);
  const api = new URLSearchParams();
  for (const name of SAVED_PARAMS) {
    const value = (page.get(name) ?? '').trim();
    if (value === '') continue;
    api.set(name, name === 'to' ? nextDay(value) : value);
  }
  return api.toString();
}

function nextDay(value) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const next = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(next.getTime())) return value;
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The filters of an API query string an alert cannot carry, as words for a sentence ("from, entities"). */
export function notForAlerts(query) {
  const params = new URLSearchParams(query);
  return Object.entries(NOT_FOR_ALERTS).filter(([name]) => (params.get(name) ?? '') !== '').map(([, words]) => words);
}

/** A short description of a saved query for its card: "words “x” · 2 topics · from 2026-01-01". */
export function describeQuery(query, { topicTitle = (t) => t } = {}) {
  const params = new URLSearchParams(query);
  const parts = [];
  const q = params.get('q');
  if (q) parts.push(`words “${q}”`);
  const topics = (params.get('topics') ?? '').split(',').filter((t) => t !== '');
  if (topics.length === 1) parts.push(`topic ${topicTitle(topics[0])}`);
  else if (topics.length > 1) parts.push(`${topics.length} topics (${params.get('topicMatch') === 'all' ? 'all' : 'any'})`);
  const sources = (params.get('sources') ?? '').split(',').filter((s) => s !== '');
  if (sources.length > 0) parts.push(sources.length === 1 ? `source ${sources[0]}` : `${sources.length} sources`);
  const types = (params.get('types') ?? '').split(',').filter((t) => t !== '');
  if (types.length > 0) parts.push(types.join(', '));
  if (params.get('minScore')) parts.push(`score ≥ ${params.get('minScore')}`);
  if (params.get('from')) parts.push(`from ${params.get('from')}`);
  if (params.get('to')) parts.push(`before ${params.get('to')}`);
  if (params.get('language')) parts.push(`language ${params.get('language')}`);
  if (params.get('entity')) parts.push(`naming ${params.get('entity').split(',').join(', ')}`);
  if (params.get('drift') === 'true') parts.push('figure drift');
  if (params.get('unread') === 'true') parts.push('unread');
  if (params.get('starred') === 'true') parts.push('starred');
  if (params.get('label')) parts.push(`label ${params.get('label')}`);
  if (params.get('sort') === 'relevance') parts.push('best match first');
  return parts.length === 0 ? 'every statement' : parts.join(' · ');
}
