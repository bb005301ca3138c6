// A statement's event as a chip: "Event · 3 statements · NATO + EP" linking to the event page, and "New event" when the
// statement started it. The live view draws it from the list's `event` and updates it on StatementsGrouped pushes.
import { h, pageLink } from './dom.js';

/**
 * The chip for a normalised event (js/lib/statements.js normalizeEvent), or a hidden placeholder when the statement is
 * not in an event yet: either way a <p class="event-line"> the page can replace in place.
 */
export function renderEventChip(event) {
  const box = h('p', 'event-line');
  if (!event) {
    box.hidden = true;
    return box;
  }
  box.dataset.eventId = String(event.eventId);
  box.dataset.newEvent = String(event.newEvent);
  const count = event.members === 1 ? '1 statement' : `${event.members} statements`;
  const institutions = event.institutions.length > 0 ? ` · ${event.institutions.join(' + ')}` : '';
  const label = `Event · ${count}${institutions}`;
  const chip = pageLink('event.html', { id: event.eventId }, label, 'event-chip');
  const title = event.title.trim();
  if (title !== '') {
    // The accessible name starts with the visible words (WCAG 2.5.3) and goes on with the event's title.
    chip.setAttribute('aria-label', `${label} — ${title}`);
    chip.setAttribute('title', title);
  }
  box.append(chip);
  // A word, not a colour: "New event" reads the same in any scheme and to a screen reader.
  if (event.newEvent) box.append(' ', h('span', 'event-new', 'New event'));
  return box;
}

/**
 * The event to draw for a statement the page already shows, seen again in a catch-up: its StatementsGrouped push may
 * have been lost while the server's bus was away. The caught-up event when the statement is in another event or its event
 * grew, else null (nothing to change).
 */
export function caughtUpEvent(current, caught) {
  if (!caught) return null;
  if (current && current.eventId === caught.eventId && current.members >= caught.members) return null;
  return caught;
}

/**
 * Where a StatementsGrouped push moves a statement's event: its own placement when the push names it, else its event
 * as the push re-counts it (or the event it was merged into), else null (nothing to change). A repeat of an older push
 * never shrinks an event: events only grow.
 * placed: statementId -> event; events: eventId -> event; mergedInto: eventId -> kept eventId.
 */
export function nextEvent(statementId, current, { placed, events, mergedInto }) {
  let next = placed.get(statementId);
  if (!next && current) {
    const kept = events.get(mergedInto.get(current.eventId) ?? current.eventId);
    if (kept) next = { ...kept, newEvent: current.newEvent };
  }
  if (!next) return null;
  if (current && current.eventId === next.eventId && current.members > next.members) {
    return { ...current, newEvent: next.newEvent || current.newEvent };
  }
  return next;
}
