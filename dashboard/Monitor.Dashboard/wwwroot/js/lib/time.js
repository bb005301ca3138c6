// Dates: relative text ("5 minutes ago") with the exact time on hover, refreshed by one clock per page.

export function parseDate(value) {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
export const absoluteFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});
export const dayFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

// [unit, seconds, used from this many seconds on]: "9 days ago" reads better than "last week".
const RELATIVE_UNITS = [
  ['year', 31536000, 31536000], ['month', 2592000, 5184000], ['week', 604800, 1209600],
  ['day', 86400, 86400], ['hour', 3600, 3600], ['minute', 60, 0],
];

export function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size, from] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= from) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** A day as the API gives a DateOnly (yyyy-MM-dd) as a <time class="day">, or its raw text when it is not one. */
export function dayElement(value) {
  const text = typeof value === 'string' ? value : String(value ?? '');
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDate(`${text}T00:00:00Z`) : null;
  if (!date) return document.createTextNode(text);
  const time = document.createElement('time');
  time.className = 'day';
  time.setAttribute('datetime', text);
  time.textContent = dayFormat.format(date);
  return time;
}

/** <time> with relative text, the exact time in its title, and data-relative so the clock refreshes it. */
export function timeElement(date, prefix = '') {
  const time = document.createElement('time');
  time.className = 'time';
  time.setAttribute('datetime', date.toISOString());
  time.setAttribute('title', absoluteFormat.format(date));
  time.dataset.relative = prefix;
  time.textContent = prefix + relativeTime(date);
  return time;
}

export function refreshClocks(root = document) {
  const now = Date.now();
  for (const time of root.querySelectorAll('time[data-relative]')) {
    const date = parseDate(time.getAttribute('datetime'));
    if (date) time.textContent = time.dataset.relative + relativeTime(date, now);
  }
}

let clock = 0;
/** Starts the page's one clock (idempotent). */
export function startClock(everyMs = 30000) {
  if (!clock) clock = setInterval(refreshClocks, everyMs);
}
