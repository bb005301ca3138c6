import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, number, periodLine, countLine, spokeFirstLine, stepLine } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/pages/briefing/text.js';

// The expected sentences are those BriefingText.cs writes into the exports (BriefingTextTests checks the same ones).
test('dates and numbers read as in the exports', () => {
  assert.equal(formatDate('2024-03-07T10:00:00+00:00'), '7 March 2024');
  assert.equal(formatDate('2024-03-07T23:30:00-02:00'), '8 March 2024'); // UTC
  assert.equal(formatDate('not a date'), '');
  assert.equal(number(40000), '40,000');
  assert.equal(number(31), '31');
});

test('the period line says since the baseline or from and to', () => {
  assert.equal(periodLine({ sinceBaseline: true, from: '2022-04-08T00:00:00Z', to: '2026-12-06T09:00:00Z' }),
    'Since the baseline (8 April 2022) to 6 December 2026.');
  assert.equal(periodLine({ sinceBaseline: false, from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' }), 'From 1 March 2024 to 1 April 2024.');
});

test('counts and who spoke first are templates of counts and dates', () => {
  assert.equal(countLine({ statements: 0 }), 'No statement on this topic in the period.');
  assert.equal(countLine({ statements: 1 }), '1 statement on this topic in the period.');
  assert.equal(countLine({ statements: 5 }), '5 statements on this topic in the period.');
  const nato = { at: '2023-04-04T10:00:00Z' };
  const ep = { at: '2023-04-05T10:00:00Z' };
  assert.equal(spokeFirstLine({}), null);
  assert.equal(spokeFirstLine({ firstNato: nato }), 'Only NATO addressed it in the period (first on 4 April 2023).');
  assert.equal(spokeFirstLine({ firstEp: ep }), 'Only the European Parliament addressed it in the period (first on 5 April 2023).');
  assert.equal(spokeFirstLine({ firstNato: nato, firstEp: ep, spokeFirst: 'NATO' }),
    'NATO spoke first, on 4 April 2023; the European Parliament on 5 April 2023.');
  assert.equal(spokeFirstLine({ firstNato: ep, firstEp: nato, spokeFirst: 'EP' }),
    'The European Parliament spoke first, on 4 April 2023; NATO on 5 April 2023.');
});

test('a figure step says its value, its statements and its dates, or that it was not restated', () => {
  assert.equal(stepLine({ value: 30, isBaseline: true, statements: 0, firstAt: null, lastAt: null }),
    '30 (the briefing’s value): not restated in the period');
  assert.equal(stepLine({ value: 31, isBaseline: false, statements: 3, firstAt: '2023-04-04T10:00:00Z', lastAt: '2024-03-09T10:00:00Z' }),
    '31: 3 statements, first on 4 April 2023, last on 9 March 2024');
});
