import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDate, relativeTime } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/time.js';

test('parseDate reads ISO strings and nothing else', () => {
  assert.equal(parseDate('2026-12-01T10:00:00Z').toISOString(), '2026-12-01T10:00:00.000Z');
  for (const bad of ['', 'never', null, undefined, 1733047200000, new Date()]) assert.equal(parseDate(bad), null);
});

test('relative times read naturally, past and future', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  const at = (seconds) => relativeTime(new Date(now + seconds * 1000), now);
  assert.equal(at(-10), 'just now');
  assert.equal(at(30), 'just now');
  assert.equal(at(-300), '5 minutes ago');
  assert.equal(at(-7200), '2 hours ago');
  assert.equal(at(3 * 86400), 'in 3 days');
  assert.equal(at(-9 * 86400), '9 days ago');
  assert.equal(at(-15 * 86400), '2 weeks ago');
  assert.equal(at(-400 * 86400), 'last year');
});
