// The Atom feeds of the topic page (topic.html?id=…: GET feeds/topics/{id}) and of the sources page (one per source:
// GET feeds/sources/{id}), as <link rel="alternate" type="application/atom+xml"> in the head, for the browser and
// feed-reader extensions that discover feeds, and as visible links. Its own module: topic.js and sources.js know
// nothing of it. The feeds follow the read rule of the pages (anyone when anonymous reading is on).
import { h, asText, pageHref } from '../lib/dom.js';
import { getJson } from '../lib/api.js';
import { loadTopics, topicTitle } from '../lib/topics.js';

function headLink(href, title) {
  const link = document.createElement('link');
  link.rel = 'alternate';
  link.type = 'application/atom+xml';
  link.title = title;
  link.href = href;
  document.head.append(link);
}

async function topicPage() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  if (id === '') return;
  await loadTopics().catch(() => []);
  const title = `${topicTitle(id)} · Monitor (Atom)`;
  const href = `feeds/topics/${encodeURIComponent(id)}`;
  headLink(href, title);
  const history = document.getElementById('topic-history-link');
  if (history) {
    const link = h('a', 'feed-link', 'Atom feed');
    link.id = 'topic-feed-link';
    link.setAttribute('href', href);
    link.setAttribute('type', 'application/atom+xml');
    link.setAttribute('aria-label', `Atom feed of ${topicTitle(id)}`);
    history.after(' · ', link);
  }
}

async function sourcesPage() {
  let sources;
  try {
    sources = await getJson('api/sources');
  } catch {
    return;
  }
  const list = (Array.isArray(sources) ? sources : []).filter((s) => typeof s?.id === 'string');
  if (list.length === 0) return;
  const section = h('section', 'feeds-list');
  section.id = 'source-feeds';
  section.setAttribute('aria-labelledby', 'source-feeds-heading');
  const heading = h('h2', null, 'Atom feeds');
  heading.id = 'source-feeds-heading';
  const items = h('ul');
  for (const source of list) {
    const name = asText(source.name) || source.id;
    const href = pageHref(`feeds/sources/${encodeURIComponent(source.id)}`);
    headLink(href, `${name} · Monitor (Atom)`);
    const link = h('a', 'feed-link', name);
    link.setAttribute('href', href);
    link.setAttribute('type', 'application/atom+xml');
    const item = h('li');
    item.append(link);
    items.append(item);
  }
  section.append(heading, h('p', 'muted', 'The newest 50 statements of each source, for feed readers.'), items);
  document.getElementById('main')?.append(section);
}

const page = document.body.dataset.page;
if (page === 'topic') topicPage();
else if (page === 'sources') sourcesPage();
