// The 18 baseline topics (GET api/topics), loaded once per page.
import { asText } from './dom.js';
import { getJson } from './api.js';

const titles = new Map();
let loading = null;

/** Resolves to the topic list; chips fall back to ids when it fails. */
export function loadTopics() {
  loading ??= getJson('api/topics')
    .then((topics) => {
      if (Array.isArray(topics)) {
        for (const topic of topics) {
          if (topic && typeof topic.id === 'string') titles.set(topic.id, asText(topic.title) || topic.id);
        }
      }
      return Array.isArray(topics) ? topics : [];
    })
    .catch((error) => {
      console.error('Monitor: could not load topics; chips show topic ids', error);
      loading = null;
      return [];
    });
  return loading;
}

export function topicTitle(topicId) {
  return titles.get(topicId) ?? topicId;
}
