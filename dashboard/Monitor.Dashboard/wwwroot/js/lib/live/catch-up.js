// The catch-up after every (re)connect: GET api/live/since?after=<newest storedAt seen, or the snapshot's time, − 60 s>,
// following X-Next-Cursor, oldest first, every statement through the revision gate (revision-gate.js).
//
// Two parts: the window (pure) decides where a catch-up starts, and the runner pages through the answer and retries
// with a back-off. The runner takes its HTTP call and timers as arguments, so it runs in node --test as in the page.

export const SINCE_PATH = 'api/live/since';
export const CATCH_UP_MARGIN_MS = 60_000;
export const CATCH_UP_PAGE = 500;
// A safety stop: a client away for days reloads rather than paging through everything.
export const CATCH_UP_MAX_PAGES = 40;
export const CATCH_UP_RETRY_MS = [3000, 10000, 30000, 60000];

export const TOO_FAR_MESSAGE = 'Away too long to catch up statement by statement: reload the page for the full picture.';

/** The server's clock from a response's Date header, or null. */
export function serverDate(headers) {
  const value = headers?.get?.('Date');
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The delay before retry number `attempt` (0-based): the last delay repeats. */
export function retryDelay(attempt, delays = CATCH_UP_RETRY_MS) {
  return delays[Math.min(attempt, delays.length - 1)];
}

export function failureMessage(error, delayMs) {
  return `Could not catch up on missed statements (${error?.message}); retrying in ${Math.round(delayMs / 1000)} s.`;
}

/**
 * Where the next catch-up starts (pure). The floor is the server time of the page's snapshot (everything stored
 * before it is in the page); a gap is marked at every (re)connect and when the server's bus was away. The start is
 * fixed at the first gap not yet closed: live pushes that arrive while a catch-up fails and retries move the newest
 * storedAt on, but must not move the start past the gap.
 */
export function createCatchUpWindow({ marginMs = CATCH_UP_MARGIN_MS } = {}) {
  let floor = 0; // ms, server clock
  let pendingFrom = null; // ms, or null when no gap is open

  /** At every (re)connect: the catch-up starts from what the page had before this connection. */
  function markGap(newestStoredAt) {
    const from = Math.max(newestStoredAt, floor);
    pendingFrom = pendingFrom === null ? from : Math.min(pendingFrom, from);
  }

  return {
    /** A Date or ms; only ever moves forward. */
    setFloor(date) {
      const ms = date instanceof Date ? date.getTime() : Number(date);
      if (Number.isFinite(ms) && ms > floor) floor = ms;
    },
    markGap,
    /** The server's bus was away: pushes after `since` (ISO time of the newest statement it had) may be missing. */
    markBusGap(since) {
      const ms = Date.parse(since);
      if (Number.isFinite(ms)) pendingFrom = pendingFrom === null ? ms : Math.min(pendingFrom, ms);
    },
    /** The start of the catch-up about to run (a gap is marked when none is open). */
    begin(newestStoredAt) {
      if (pendingFrom === null) markGap(newestStoredAt);
      return pendingFrom;
    },
    /** The catch-up closed the gap. */
    complete() {
      pendingFrom = null;
    },
    /** The `after` parameter for a start, or null when there is no reference point (nothing to catch up on). */
    after(from) {
      return from > 0 ? new Date(from - marginMs).toISOString() : null;
    },
    get floor() { return floor; },
    get pendingFrom() { return pendingFrom; },
  };
}

/**
 * The catch-up runner. A newer run takes over from one still paging (its pages are dropped).
 *   fetchPage({ after, limit, cursor }) -> { body, headers }: GET api/live/since.
 *   gate: the revision gate (its newestStoredAt is where a catch-up starts); accept(raw): one statement of a page.
 *   status: { running(), done(), failed(message), settled() }; onCaughtUp(): after each completed catch-up.
 *   timers: { setTimeout, clearTimeout } (the page's by default).
 */
export function createCatchUp({
  fetchPage, gate, accept, window = createCatchUpWindow(), status = {}, onCaughtUp,
  pageSize = CATCH_UP_PAGE, maxPages = CATCH_UP_MAX_PAGES, retryDelays = CATCH_UP_RETRY_MS,
  timers = globalThis, warn = (...args) => console.warn(...args),
}) {
  let timer = 0;
  let attempt = 0;
  let currentRun = 0;

  async function run() {
    timers.clearTimeout(timer);
    timer = 0;
    const me = ++currentRun;
    const from = window.begin(gate.newestStoredAt);
    status.running?.();
    try {
      const after = window.after(from);
      if (after !== null) {
        let cursor;
        let pages = 0;
        do {
          const { body, headers } = await fetchPage({ after, limit: pageSize, cursor });
          if (me !== currentRun) return; // a newer catch-up took over
          if (!Array.isArray(body)) throw new Error(`GET ${SINCE_PATH} did not answer a JSON array`);
          for (const raw of body) accept(raw);
          cursor = headers.get('X-Next-Cursor') || undefined;
          if (!cursor) window.setFloor(serverDate(headers));
          pages += 1;
        } while (cursor && pages < maxPages);
        if (cursor) {
          status.failed?.(TOO_FAR_MESSAGE);
          return;
        }
      }
      attempt = 0;
      window.complete();
      status.done?.();
      onCaughtUp?.();
    } catch (error) {
      if (me !== currentRun) return;
      warn('Monitor: catch-up failed', error);
      const delay = retryDelay(attempt, retryDelays);
      attempt += 1;
      status.failed?.(failureMessage(error, delay));
      timer = timers.setTimeout(run, delay);
    } finally {
      if (me === currentRun) status.settled?.();
    }
  }

  return {
    run,
    /** The Retry button: from the first back-off step again. */
    retryNow() {
      attempt = 0;
      return run();
    },
    window,
  };
}
