import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeStatement, institutionOf } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/statements.js';

test('a statement without a numeric id and revision is refused', () => {
  for (const bad of [null, 'x', {}, { statementId: 'a', revision: 1 }, { statementId: 1 }]) assert.equal(normalizeStatement(bad), null);
});

test('a raw statement gets checked types: dates, clamped scores sorted high first, drift figures', () => {
  const s = normalizeStatement({
    statementId: '3', revision: 2, title: 7, storedAt: '2026-12-01T10:00:00Z', publishedAt: 'garbage',
    topics: [{ topicId: 'a', score: 0.2 }, { topicId: 'b', score: 4, evidence: [{ term: 'x' }, null] }, { score: 1 }, null],
    figures: [{ figureId: 'allies-count', drift: true }, { figureId: 'budget', drift: false }, { nope: 1 }],
  });
  assert.equal(s.statementId, 3);
  assert.equal(s.title, '7');
  assert.equal(s.sourceId, '');
  assert.equal(s.storedAt.toISOString(), '2026-12-01T10:00:00.000Z');
  assert.equal(s.publishedAt, null);
  assert.deepEqual(s.topics, [{ topicId: 'b', score: 1, evidence: [{ term: 'x' }] }, { topicId: 'a', score: 0.2, evidence: [] }]);
  assert.deepEqual(s.figures.map((f) => f.figureId), ['allies-count', 'budget']);
  assert.deepEqual(s.drift.map((f) => f.figureId), ['allies-count']);
});

test('the institution comes from the source id', () => {
  assert.deepEqual(['nato-news', 'EP-press', 'other', null].map(institutionOf), ['NATO', 'EP', 'Other', 'Other']);
});
