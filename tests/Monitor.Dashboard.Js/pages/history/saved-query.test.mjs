import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiQueryOf, notForAlerts, describeQuery } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/pages/history/saved-query.js';

test('the page search becomes the API query: statement filters only, the inclusive To as the next day', () => {
  assert.equal(
    apiQueryOf('?q=air+defence&topics=sanctions,collective-defence&to=2026-01-31&from=2026-01-01&view=events&institution=both&sort=relevance'),
    'q=air+defence&topics=sanctions%2Ccollective-defence&from=2026-01-01&to=2026-02-01&sort=relevance');
  assert.equal(apiQueryOf('?to=2026-12-31'), 'to=2027-01-01');
  assert.equal(apiQueryOf('?to=2026-02-28T12:00:00Z'), 'to=2026-02-28T12%3A00%3A00Z');
  assert.equal(apiQueryOf(''), '');
  assert.equal(apiQueryOf('?q=%20%20&entity=finland'), 'entity=finland');
});

test('the filters an alert cannot carry are named, and none when it can carry them all', () => {
  assert.deepEqual(notForAlerts('q=nato&from=2026-01-01&entity=finland&language=en'), ['from', 'language', 'entities']);
  assert.deepEqual(notForAlerts('q=nato&topics=sanctions&sources=a&types=speech&minScore=0.5&drift=true&sort=relevance'), []);
});

test('a saved query is described in words', () => {
  assert.equal(describeQuery(''), 'every statement');
  assert.equal(describeQuery('q=drones&topics=a,b&topicMatch=all&from=2026-01-01&sort=relevance', { topicTitle: (t) => t.toUpperCase() }),
    'words “drones” · 2 topics (all) · from 2026-01-01 · best match first');
  assert.equal(describeQuery('topics=sanctions', { topicTitle: () => 'Sanctions' }), 'topic Sanctions');
});

test('the triage filters are kept, described, and named as what an alert cannot carry', () => {
  assert.equal(apiQueryOf('?topics=sanctions&unread=true&label=brief&view=statements'), 'topics=sanctions&unread=true&label=brief');
  assert.deepEqual(notForAlerts('topics=sanctions&unread=true&starred=true&label=brief'), ['unread', 'starred', 'label']);
  assert.equal(describeQuery('unread=true&starred=true&label=brief'), 'unread · starred · label brief');
});
