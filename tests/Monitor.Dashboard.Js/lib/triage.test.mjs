import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SHORTCUTS, isTypingTarget, shortcutAction, nextIndex, normalizeMark, emptyMark, parseLabels,
} from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/triage.js';

const key = (k, target = { tagName: 'LI' }, extra = {}) => ({ key: k, target, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, ...extra });

test('each shortcut key maps to its action', () => {
  assert.deepEqual(['j', 'k', 'm', 's', 'o', '?'].map((k) => shortcutAction(key(k))), ['next', 'previous', 'read', 'star', 'open', 'help']);
  assert.equal(shortcutAction(key('x')), null);
  assert.equal(shortcutAction(key('J')), null);
  assert.deepEqual(SHORTCUTS.map(([k]) => k), ['j', 'k', 'm', 's', 'o', '?']);
});

test('shortcuts do not fire while typing in a field or with a modifier', () => {
  for (const target of [{ tagName: 'INPUT', type: 'text' }, { tagName: 'INPUT', type: 'search' }, { tagName: 'INPUT', type: '' }, { tagName: 'TEXTAREA' },
    { tagName: 'SELECT' }, { tagName: 'DIV', isContentEditable: true }]) {
    assert.equal(shortcutAction(key('j', target)), null, JSON.stringify(target));
    assert.equal(isTypingTarget(target), true);
  }
  for (const target of [{ tagName: 'INPUT', type: 'checkbox' }, { tagName: 'BUTTON' }, { tagName: 'A' }, null]) {
    assert.equal(isTypingTarget(target), false, JSON.stringify(target));
  }
  assert.equal(shortcutAction(key('s', { tagName: 'BUTTON' })), 'star');
  assert.equal(shortcutAction(key('s', { tagName: 'BODY' }, { ctrlKey: true })), null);
  assert.equal(shortcutAction(key('k', { tagName: 'BODY' }, { metaKey: true })), null);
  assert.equal(shortcutAction(key('m', { tagName: 'BODY' }, { altKey: true })), null);
  assert.equal(shortcutAction(key('m', { tagName: 'BODY' }, { defaultPrevented: true })), null);
});

test('the selection starts at the first (j) or last (k) card and stays within the list', () => {
  assert.equal(nextIndex(-1, 5, 1), 0);
  assert.equal(nextIndex(-1, 5, -1), 4);
  assert.equal(nextIndex(0, 5, 1), 1);
  assert.equal(nextIndex(4, 5, 1), 4);
  assert.equal(nextIndex(0, 5, -1), 0);
  assert.equal(nextIndex(9, 5, 1), 0); // a selection no longer in the list starts again
  assert.equal(nextIndex(0, 0, 1), -1);
});

test('marks from the API are read with checked types', () => {
  assert.deepEqual(normalizeMark({ statementId: 7, readAt: '2026-12-01T10:00:00Z', starredAt: null, labels: ['brief', 3], note: 'n' }),
    { statementId: 7, read: true, starred: false, labels: ['brief'], note: 'n' });
  assert.deepEqual(normalizeMark({ statementId: '8', starredAt: '2026-12-01T10:00:00Z' }),
    { statementId: 8, read: false, starred: true, labels: [], note: '' });
  for (const bad of [null, 'x', {}, { statementId: -1 }, { statementId: 'abc' }]) assert.equal(normalizeMark(bad), null);
  assert.deepEqual(emptyMark(3), { statementId: 3, read: false, starred: false, labels: [], note: '' });
});

test('typed labels are split on commas, trimmed, lower-cased and each kept once', () => {
  assert.deepEqual(parseLabels(' Brief, follow-up ,brief,, '), ['brief', 'follow-up']);
  assert.deepEqual(parseLabels(''), []);
  assert.deepEqual(parseLabels(null), []);
});
