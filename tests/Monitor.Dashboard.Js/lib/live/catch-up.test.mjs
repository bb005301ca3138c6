import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCatchUp, createCatchUpWindow, serverDate, retryDelay, failureMessage, TOO_FAR_MESSAGE, CATCH_UP_MARGIN_MS,
} from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/live/catch-up.js';
import { createRevisionGate } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/live/revision-gate.js';
import { normalizeStatement } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/statements.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString();

/** A response's headers as fetch gives them: get(name) or null. */
function headers(values = {}) {
  const map = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => map.get(name.toLowerCase()) ?? null };
}

const raw = (statementId, revision, storedAt) => ({ statementId, revision, storedAt: iso(storedAt), title: `s${statementId}` });

/** Timers the test runs by hand. */
function manualTimers() {
  const pending = [];
  return {
    pending,
    setTimeout(fn, delay) {
      pending.push({ fn, delay });
      return pending.length;
    },
    clearTimeout(id) {
      if (id > 0 && pending[id - 1]) pending[id - 1].cleared = true;
    },
    live: () => pending.filter((t) => !t.cleared),
  };
}

/** A runner wired as createLive wires it: the page's accept() behind the one gate; what passed is in `shown`. */
function setUp(pages, { maxPages, gate = createRevisionGate(), window = createCatchUpWindow() } = {}) {
  const requests = [];
  const shown = [];
  const events = [];
  const timers = manualTimers();
  const accept = (item, via) => {
    const statement = normalizeStatement(item);
    if (statement && gate.admit(statement)) shown.push({ id: statement.statementId, revision: statement.revision, via });
  };
  const catchUp = createCatchUp({
    fetchPage: async (params) => {
      requests.push(params);
      const next = pages.shift();
      if (next instanceof Error) throw next;
      if (!next) throw new Error('no more pages in this test');
      return next;
    },
    gate,
    window,
    accept: (item) => accept(item, 'catch-up'),
    status: {
      running: () => events.push('running'),
      done: () => events.push('done'),
      failed: (message) => events.push(`failed: ${message}`),
      settled: () => events.push('settled'),
    },
    onCaughtUp: () => events.push('caught-up'),
    timers,
    warn: () => {},
    ...(maxPages ? { maxPages } : {}),
  });
  return { catchUp, gate, window, requests, shown, events, timers, accept };
}

test('serverDate reads the Date header, null when missing or not a date', () => {
  assert.equal(serverDate(headers({ Date: 'Tue, 01 Dec 2026 10:00:00 GMT' })).getTime(), T0);
  assert.equal(serverDate(headers({})), null);
  assert.equal(serverDate(headers({ Date: 'soon' })), null);
  assert.equal(serverDate(undefined), null);
});

test('retry delays back off and then repeat the last one; the message says when', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 9].map((n) => retryDelay(n)), [3000, 10000, 30000, 60000, 60000, 60000]);
  assert.equal(failureMessage(new Error('HTTP 503'), 10000), 'Could not catch up on missed statements (HTTP 503); retrying in 10 s.');
});

test('the window starts at the later of the snapshot floor and the newest statement seen, less the margin', () => {
  const window = createCatchUpWindow();
  assert.equal(window.begin(0), 0);
  assert.equal(window.after(0), null, 'no snapshot and nothing seen: nothing to catch up on');
  window.complete();

  window.setFloor(new Date(T0));
  window.setFloor(T0 - 5000); // the floor never moves back
  assert.equal(window.floor, T0);
  assert.equal(window.begin(T0 - 1000), T0);
  window.complete();
  assert.equal(window.begin(T0 + 1000), T0 + 1000);
  assert.equal(window.after(T0 + 1000), iso(T0 + 1000 - CATCH_UP_MARGIN_MS));
});

test('an open gap keeps its start: later reconnects and live pushes do not move it past the gap, a bus gap moves it back', () => {
  const window = createCatchUpWindow();
  window.setFloor(T0);
  window.markGap(T0 + 10_000); // the connection dropped holding statements up to T0 + 10 s
  window.markGap(T0 + 50_000); // pushes arrived meanwhile, then another reconnect
  assert.equal(window.begin(T0 + 90_000), T0 + 10_000);
  window.markBusGap(iso(T0 + 5000)); // the server's bus was away since T0 + 5 s
  window.markBusGap('garbage');
  assert.equal(window.pendingFrom, T0 + 5000);
  window.complete();
  assert.equal(window.pendingFrom, null);
  window.markBusGap(iso(T0 + 70_000));
  assert.equal(window.begin(T0 + 90_000), T0 + 70_000, 'a bus gap alone opens the window where the bus stopped');
});

test('a catch-up follows the cursor oldest first, lets each statement through once and sets the floor from the last page', async () => {
  const { catchUp, gate, window, requests, shown, events } = setUp([
    { body: [raw(1, 1, T0 + 1000), raw(2, 1, T0 + 2000)], headers: headers({ 'X-Next-Cursor': 'c1' }) },
    { body: [raw(2, 1, T0 + 2000), raw(3, 1, T0 + 3000), raw(1, 2, T0 + 4000)], headers: headers({ Date: new Date(T0 + 9000).toUTCString() }) },
  ]);
  window.setFloor(T0);
  gate.admit(normalizeStatement(raw(1, 1, T0 - 500))); // in the snapshot

  await catchUp.run();

  assert.deepEqual(requests, [
    { after: iso(T0 - CATCH_UP_MARGIN_MS), limit: 500, cursor: undefined },
    { after: iso(T0 - CATCH_UP_MARGIN_MS), limit: 500, cursor: 'c1' },
  ]);
  assert.deepEqual(shown.map((s) => `${s.id}r${s.revision}`), ['2r1', '3r1', '1r2']);
  assert.equal(window.floor, T0 + 9000);
  assert.equal(window.pendingFrom, null);
  assert.deepEqual(events, ['running', 'done', 'caught-up', 'settled']);
});

test('a live push racing a catch-up page is shown once, whichever comes first', async () => {
  const { catchUp, window, shown, accept } = setUp([
    { body: [raw(5, 1, T0 + 1000), raw(6, 2, T0 + 2000)], headers: headers({}) },
  ]);
  window.setFloor(T0);
  accept(raw(5, 1, T0 + 1000), 'live'); // pushed before the page arrived
  accept(raw(6, 1, T0 + 1500), 'live'); // an older revision pushed: the page's newer one still passes

  await catchUp.run();
  accept(raw(6, 2, T0 + 2000), 'live'); // the same revision pushed after the page

  assert.deepEqual(shown.map((s) => `${s.id}r${s.revision}:${s.via}`), ['5r1:live', '6r1:live', '6r2:catch-up']);
});

test('nothing to start from: no request, and the catch-up completes', async () => {
  const { catchUp, requests, events } = setUp([]);
  await catchUp.run();
  assert.deepEqual(requests, []);
  assert.deepEqual(events, ['running', 'done', 'caught-up', 'settled']);
});

test('a failed page is retried with back-off from the same start, and Retry starts the back-off over', async () => {
  const { catchUp, window, timers, events, requests } = setUp([
    new Error('HTTP 503'),
    { body: 'not a list', headers: headers({}) },
    new Error('HTTP 502'),
    { body: [], headers: headers({}) },
  ]);
  window.setFloor(T0);

  await catchUp.run();
  assert.deepEqual(timers.live().map((t) => t.delay), [3000]);
  window.markGap(T0 + 30_000); // pushes moved on meanwhile: the start stays at the gap
  await timers.live()[0].fn();
  assert.deepEqual(timers.live().map((t) => t.delay), [10000], 'the first timer was used; the next waits longer');
  await catchUp.retryNow();
  assert.deepEqual(timers.live().map((t) => t.delay), [3000], 'Retry cancels the waiting timer and starts the back-off over');
  await catchUp.retryNow();
  assert.deepEqual(timers.live(), []);

  assert.ok(requests.every((r) => r.after === iso(T0 - CATCH_UP_MARGIN_MS)));
  assert.deepEqual(events, [
    'running', 'failed: Could not catch up on missed statements (HTTP 503); retrying in 3 s.', 'settled',
    'running', 'failed: Could not catch up on missed statements (GET api/live/since did not answer a JSON array); retrying in 10 s.', 'settled',
    'running', 'failed: Could not catch up on missed statements (HTTP 502); retrying in 3 s.', 'settled',
    'running', 'done', 'caught-up', 'settled',
  ]);
});

test('away too long: paging stops at the page limit, asks for a reload, and leaves the gap open', async () => {
  const page = (n) => ({ body: [raw(n, 1, T0 + n)], headers: headers({ 'X-Next-Cursor': `c${n}` }) });
  const { catchUp, window, requests, events, timers } = setUp([page(1), page(2), page(3)], { maxPages: 3 });
  window.setFloor(T0);

  await catchUp.run();

  assert.equal(requests.length, 3);
  assert.deepEqual(events, ['running', `failed: ${TOO_FAR_MESSAGE}`, 'settled']);
  assert.equal(window.pendingFrom, T0);
  assert.deepEqual(timers.live(), [], 'no automatic retry');
});

test('a newer catch-up takes over: the older one drops its page and reports nothing', async () => {
  let release;
  const slow = new Promise((resolve) => { release = resolve; });
  const gate = createRevisionGate();
  const window = createCatchUpWindow();
  const shown = [];
  const events = [];
  const answers = [slow, Promise.resolve({ body: [raw(2, 1, T0 + 2000)], headers: headers({}) })];
  const catchUp = createCatchUp({
    fetchPage: () => answers.shift(),
    gate,
    window,
    accept: (item) => { if (gate.admit(item)) shown.push(item.statementId); },
    status: { running: () => events.push('running'), done: () => events.push('done'), settled: () => events.push('settled') },
    timers: manualTimers(),
  });
  window.setFloor(T0);

  const first = catchUp.run();
  await catchUp.run();
  release({ body: [raw(1, 1, T0 + 1000)], headers: headers({}) });
  await first;

  assert.deepEqual(shown, [2]);
  assert.deepEqual(events, ['running', 'running', 'done', 'settled']);
});
