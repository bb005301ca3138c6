import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRevisionGate, storedAtMs } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/live/revision-gate.js';

test('a statement passes once; an equal or older revision is dropped, a newer one passes', () => {
  const gate = createRevisionGate();
  assert.equal(gate.admit({ statementId: 7, revision: 1 }), true);
  assert.equal(gate.admit({ statementId: 7, revision: 1 }), false);
  assert.equal(gate.admit({ statementId: 7, revision: 0 }), false);
  assert.equal(gate.admit({ statementId: 7, revision: 2 }), true);
  assert.equal(gate.admit({ statementId: 8, revision: 1 }), true);
  assert.equal(gate.revisionOf(7), 2);
  assert.equal(gate.size, 2);
});

test('raw statements with numbers as strings count as the same statement', () => {
  const gate = createRevisionGate();
  assert.equal(gate.admit({ statementId: '12', revision: '3' }), true);
  assert.equal(gate.admit({ statementId: 12, revision: 3 }), false);
});

test('a statement without a numeric id and revision is never let through', () => {
  const gate = createRevisionGate();
  for (const bad of [null, undefined, {}, { statementId: 1 }, { revision: 1 }, { statementId: 'x', revision: 1 },
    { statementId: 1.5, revision: 1 }, { statementId: 1, revision: Number.MAX_SAFE_INTEGER + 2 }]) {
    assert.equal(gate.admit(bad), false, JSON.stringify(bad));
  }
  assert.equal(gate.size, 0);
});

test('the newest storedAt seen only moves forward, from Dates and ISO strings, even for dropped repeats', () => {
  const gate = createRevisionGate();
  assert.equal(gate.newestStoredAt, 0);
  gate.admit({ statementId: 1, revision: 1, storedAt: '2026-12-01T10:00:00Z' });
  assert.equal(gate.newestStoredAt, Date.parse('2026-12-01T10:00:00Z'));
  gate.admit({ statementId: 2, revision: 1, storedAt: new Date('2026-12-01T09:00:00Z') });
  assert.equal(gate.newestStoredAt, Date.parse('2026-12-01T10:00:00Z'));
  // A repeat is dropped, but its storedAt (a later store of the same revision) still counts.
  assert.equal(gate.admit({ statementId: 1, revision: 1, storedAt: '2026-12-01T11:00:00Z' }), false);
  assert.equal(gate.newestStoredAt, Date.parse('2026-12-01T11:00:00Z'));
  gate.admit({ statementId: 3, revision: 1, storedAt: 'not a date' });
  assert.equal(gate.newestStoredAt, Date.parse('2026-12-01T11:00:00Z'));
});

test('past its bound the gate forgets the statement changed longest ago', () => {
  const gate = createRevisionGate({ max: 3 });
  gate.admit({ statementId: 1, revision: 1 });
  gate.admit({ statementId: 2, revision: 1 });
  gate.admit({ statementId: 3, revision: 1 });
  gate.admit({ statementId: 1, revision: 2 }); // 1 is now the most recent change; 2 is the oldest
  gate.admit({ statementId: 4, revision: 1 });
  assert.equal(gate.size, 3);
  assert.equal(gate.revisionOf(2), undefined);
  assert.equal(gate.revisionOf(1), 2);
  assert.equal(gate.admit({ statementId: 2, revision: 1 }), true, 'a forgotten statement passes again');
});

test('storedAtMs reads Dates and strings, NaN otherwise', () => {
  assert.equal(storedAtMs({ storedAt: new Date(5) }), 5);
  assert.equal(storedAtMs({ storedAt: '1970-01-01T00:00:00.010Z' }), 10);
  assert.ok(Number.isNaN(storedAtMs({})));
  assert.ok(Number.isNaN(storedAtMs(null)));
});
