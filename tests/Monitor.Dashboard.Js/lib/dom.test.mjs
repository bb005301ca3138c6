import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asText, safeHttpUrl, pageHref } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/dom.js';

test('only absolute http(s) URLs become links', () => {
  assert.equal(safeHttpUrl('https://www.nato.int/a b'), 'https://www.nato.int/a%20b');
  assert.equal(safeHttpUrl('  http://example.org  '), 'http://example.org/');
  for (const bad of ['javascript:alert(1)', 'data:text/html,x', '/relative', 'nato.int', '', '   ', null, 42]) {
    assert.equal(safeHttpUrl(bad), null, String(bad));
  }
});

test('page links encode their parameters and leave empty ones out', () => {
  assert.equal(pageHref('statement.html', { id: 5, q: 'a&b c', empty: '', none: null, missing: undefined }), 'statement.html?id=5&q=a%26b+c');
  assert.equal(pageHref('topics.html'), 'topics.html');
});

test('asText turns anything into text, nothing into empty', () => {
  assert.deepEqual([asText('x'), asText(3), asText(null), asText(undefined), asText(false)], ['x', '3', '', '', 'false']);
});
