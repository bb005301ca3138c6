import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fold, words, queryTerms, findRanges, mergeRanges } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/textmatch.js';

test('words are folded runs of letters and digits', () => {
  assert.equal(fold('Défense ÉU'), 'defense eu');
  assert.deepEqual(words("NATO's F-35 Défense"), ['nato', 's', 'f', '35', 'defense']);
});

test('query terms keep words, prefixes and phrases, and skip what is negated', () => {
  assert.deepEqual(queryTerms('sanctions russia'), [{ words: ['sanctions'], prefix: false }, { words: ['russia'], prefix: false }]);
  assert.deepEqual(queryTerms('"air defence" drone*'), [{ words: ['air', 'defence'], prefix: false }, { words: ['drone'], prefix: true }]);
  assert.deepEqual(queryTerms('F-35'), [{ words: ['f', '35'], prefix: false }]);
  assert.deepEqual(queryTerms('ukraine NOT russia -china (a OR b) -(c d) e'),
    ['ukraine', 'a', 'b', 'e'].map((w) => ({ words: [w], prefix: false })));
  // Lenient: an unclosed quote runs to the end, stray brackets and a trailing NOT are no error.
  assert.deepEqual(queryTerms('"unclosed (( ))) NOT'), [{ words: ['unclosed', 'not'], prefix: false }]);
  assert.deepEqual(queryTerms('a ))) ((b NOT'), [{ words: ['a'], prefix: false }, { words: ['b'], prefix: false }]);
  assert.deepEqual(queryTerms(null), []);
});

test('ranges are found case- and accent-insensitively and merged', () => {
  const text = 'Air defence: AIR DÉFENCE and drones, dronework.';
  assert.deepEqual(findRanges(text, queryTerms('"air defence" drone*')), [
    { start: 0, end: 11 }, { start: 13, end: 24 }, { start: 29, end: 35 }, { start: 37, end: 46 },
  ]);
  assert.deepEqual(mergeRanges([{ start: 5, end: 9 }, { start: 0, end: 3 }, { start: 2, end: 6 }, { start: 10, end: 11 }]),
    [{ start: 0, end: 9 }, { start: 10, end: 11 }]);
});
