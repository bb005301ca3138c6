import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionLabel } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/live/controls.js';

test('the header label says when a live connection is still catching up', () => {
  assert.equal(connectionLabel('connecting', false), 'Connecting…');
  assert.equal(connectionLabel('live', false), 'Live');
  assert.equal(connectionLabel('live', true), 'Live, catching up…');
  assert.equal(connectionLabel('reconnecting', true), 'Reconnecting…');
  assert.equal(connectionLabel('disconnected', false), 'Disconnected');
});
