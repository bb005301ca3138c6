import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextEvent, caughtUpEvent } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/event-chip.js';
import { normalizeEvent } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/statements.js';

const event = (eventId, members, extra = {}) => ({ eventId, newEvent: false, title: `event ${eventId}`, institutions: ['NATO'], members, ...extra });
const push = ({ placed = [], events = [], mergedInto = [] }) => ({
  placed: new Map(placed), events: new Map(events.map((e) => [e.eventId, e])), mergedInto: new Map(mergedInto),
});

test('an event from the list is checked: a positive id, institutions as strings, at least one member', () => {
  for (const bad of [null, 'x', {}, { eventId: 'a' }, { eventId: 0 }, { eventId: 1.5 }]) assert.equal(normalizeEvent(bad), null);
  assert.deepEqual(normalizeEvent({ eventId: '7', newEvent: true, title: 3, institutions: ['NATO', 2, 'EP'], members: 'x' }),
    { eventId: 7, newEvent: true, title: '3', institutions: ['NATO', 'EP'], members: 1 });
});

test('a statement the push places takes that event, new or not', () => {
  const placed = { ...event(5, 1), newEvent: true };
  assert.deepEqual(nextEvent(10, null, push({ placed: [[10, placed]], events: [event(5, 1)] })), placed);
});

test('another statement of a re-counted event gets the new count and keeps its own new mark', () => {
  const current = { ...event(5, 1), newEvent: true };
  assert.deepEqual(nextEvent(10, current, push({ events: [event(5, 2, { institutions: ['NATO', 'EP'] })] })),
    { ...event(5, 2, { institutions: ['NATO', 'EP'] }), newEvent: true });
});

test('a statement of an event merged into another moves to the kept event', () => {
  assert.equal(nextEvent(10, event(4, 2), push({ events: [event(5, 6)], mergedInto: [[4, 5]] })).eventId, 5);
});

test('a statement the push does not touch, or not yet in an event, changes nothing', () => {
  assert.equal(nextEvent(10, event(4, 2), push({ events: [event(5, 6)] })), null);
  assert.equal(nextEvent(10, null, push({ events: [event(5, 6)] })), null);
});

test('a repeat of an older push never shrinks an event', () => {
  assert.equal(nextEvent(10, event(5, 3), push({ placed: [[10, event(5, 2)]], events: [event(5, 2)] })).members, 3);
});

test('a catch-up brings the event of a statement shown without one, or a grown or other event, and nothing else', () => {
  const two = { eventId: 7, title: 'Summit', institutions: ['NATO'], members: 2, newEvent: false };
  const three = { ...two, members: 3 };
  assert.deepEqual(caughtUpEvent(null, two), two);
  assert.deepEqual(caughtUpEvent(two, three), three);
  assert.deepEqual(caughtUpEvent(two, { ...two, eventId: 9 }), { ...two, eventId: 9 });
  assert.equal(caughtUpEvent(three, two), null);
  assert.equal(caughtUpEvent(two, two), null);
  assert.equal(caughtUpEvent(two, null), null);
});
