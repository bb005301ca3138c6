// The live connection every live page shares: SignalR to hubs/monitor with automatic reconnect, the connection
// state in the header, and a catch-up after every (re)connect so nothing stored while the page was away is missed
// and nothing is delivered twice.
//
// Use: load the page's snapshot, tell the connection what it holds, then start():
//   const live = createLive({ stateElement: renderHeader('live'), onStatement, onHealth, onAlert });
//   const { body, headers } = await get('api/statements', { limit: 50 });
//   live.absorbSnapshot(body, headers, list);   // list: createStatementList(...)
//   live.start();
//
// Catch-up: after each connect, GET api/live/since?after=<newest storedAt seen, or the snapshot's time, − 60 s>,
// following X-Next-Cursor, oldest first. Live pushes and catch-up pages go through one gate that lets a statement
// through only when its (statementId, revision) is newer than any revision already seen, so the overlap of the
// 60 s margin, a push racing a catch-up page, or a repeat from the server are dropped.
import { h } from './dom.js';
import { get } from './api.js';
import { normalizeStatement } from './statements.js';
import { noteSourceHealth, loadSourceHealth, noteAlertTriggered, loadUnreadCount } from './layout.js';

const HUB_PATH = 'hubs/monitor';
const SINCE_PATH = 'api/live/since';
const CATCH_UP_MARGIN_MS = 60_000;
const CATCH_UP_PAGE = 500;
// A safety stop: a client away for days reloads rather than paging through everything.
const CATCH_UP_MAX_PAGES = 40;
// Automatic reconnect for about two minutes, then "disconnected" and a slower restart loop.
const RECONNECT_DELAYS_MS = [0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 30000, 30000];
const RESTART_DELAYS_MS = [5000, 15000, 30000, 60000];
const CATCH_UP_RETRY_MS = [3000, 10000, 30000, 60000];
// Revisions remembered per statement id; older entries fall out (they are far behind any catch-up window).
const MAX_REMEMBERED = 20_000;

const LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

/** The server's clock from a response's Date header, or null. */
export function serverDate(headers) {
  const value = headers?.get?.('Date');
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Creates (does not start) the page's live connection.
 * options.stateElement: the #connection-state element renderHeader() returns.
 * options.onStatement(statement, { via: 'live' | 'catch-up' }): a normalised statement the page has not seen.
 * options.onHealth(raw SourceHealthChanged), options.onAlert(raw AlertTriggered: the signed-in user's own alerts only).
 * options.onCaughtUp(): after each completed catch-up.
 */
export function createLive(options) {
  const stateElement = options.stateElement;
  const label = stateElement.querySelector('.connection-label');
  const seen = new Map(); // statementId -> highest revision seen
  let newestStoredAt = 0; // ms, server clock
  let floor = 0; // ms, server clock: everything stored before this is in the page's snapshot
  let connection = null;
  let restartTimer = 0;
  let restartAttempt = 0;
  let everStarted = false;
  let catchUpTimer = 0;
  let catchUpAttempt = 0;
  let catchUpRun = 0;
  let catchingUp = false;
  // The point a catch-up starts from, fixed at the (re)connect: live pushes that arrive while a catch-up fails and
  // retries move newestStoredAt on, but must not move the start past the gap. Cleared when a catch-up completes.
  let pendingFrom = null;

  // Controls beside the connection state: a reconnect button, and a catch-up status with its retry.
  const controls = h('div', 'connection');
  stateElement.replaceWith(controls);
  const reconnectButton = h('button', 'button button-header', 'Reconnect');
  reconnectButton.type = 'button';
  reconnectButton.id = 'reconnect';
  reconnectButton.hidden = true;
  const catchUpStatus = h('p', 'catch-up-status');
  catchUpStatus.id = 'catch-up-status';
  catchUpStatus.setAttribute('role', 'status');
  catchUpStatus.hidden = true;
  const catchUpText = h('span', 'catch-up-text');
  const catchUpRetry = h('button', 'button button-header', 'Retry');
  catchUpRetry.type = 'button';
  catchUpRetry.hidden = true;
  catchUpStatus.append(catchUpText, ' ', catchUpRetry);
  controls.append(stateElement, reconnectButton, catchUpStatus);

  reconnectButton.addEventListener('click', () => {
    restartAttempt = 0;
    start();
  });
  catchUpRetry.addEventListener('click', () => {
    catchUpAttempt = 0;
    catchUp();
  });

  function setState(value) {
    stateElement.dataset.state = value;
    let text = LABELS[value];
    if (value === 'live' && catchingUp) text = 'Live, catching up…';
    label.textContent = text;
    reconnectButton.hidden = value !== 'disconnected';
  }

  function showCatchUpError(message) {
    catchUpText.textContent = message;
    catchUpRetry.hidden = false;
    catchUpStatus.hidden = false;
    catchUpStatus.classList.add('status-error');
  }

  function hideCatchUpStatus() {
    catchUpStatus.hidden = true;
    catchUpRetry.hidden = true;
    catchUpStatus.classList.remove('status-error');
    catchUpText.textContent = '';
  }

  /** Marks a statement (raw or normalised) as held by the page; true when it is newer than what was seen. */
  function remember(statement) {
    const id = Number(statement?.statementId);
    const revision = Number(statement?.revision);
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(revision)) return false;
    const stored = statement.storedAt instanceof Date ? statement.storedAt.getTime() : Date.parse(statement.storedAt ?? '');
    if (Number.isFinite(stored) && stored > newestStoredAt) newestStoredAt = stored;
    const known = seen.get(id);
    if (known !== undefined && known >= revision) return false;
    seen.delete(id); // re-insert: the Map's order is the order of last change, oldest evicted first
    seen.set(id, revision);
    if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value);
    return true;
  }

  function accept(raw, via) {
    const statement = normalizeStatement(raw);
    if (!statement) {
      console.warn('Monitor: ignored a statement without a numeric statementId and revision', raw);
      return;
    }
    if (!remember(statement)) return;
    try {
      options.onStatement?.(statement, { via });
    } catch (error) {
      console.error('Monitor: the page failed to show a statement', error);
    }
  }

  function setFloor(date) {
    const ms = date instanceof Date ? date.getTime() : Number(date);
    if (Number.isFinite(ms) && ms > floor) floor = ms;
  }

  /** Called at every (re)connect: the catch-up starts from what the page had before this connection. */
  function markGap() {
    const from = Math.max(newestStoredAt, floor);
    pendingFrom = pendingFrom === null ? from : Math.min(pendingFrom, from);
  }

  async function catchUp() {
    clearTimeout(catchUpTimer);
    catchUpTimer = 0;
    const run = ++catchUpRun;
    if (pendingFrom === null) markGap();
    const from = pendingFrom;
    catchingUp = true;
    if (stateElement.dataset.state === 'live') setState('live');
    stateElement.dataset.catchUp = 'running';
    try {
      // Without any reference point (no snapshot, nothing seen) there is nothing to catch up on.
      if (from > 0) {
        const after = new Date(from - CATCH_UP_MARGIN_MS).toISOString();
        let cursor;
        let pages = 0;
        do {
          const { body, headers } = await get(SINCE_PATH, { after, limit: CATCH_UP_PAGE, cursor });
          if (run !== catchUpRun) return; // a newer catch-up took over
          if (!Array.isArray(body)) throw new Error(`GET ${SINCE_PATH} did not answer a JSON array`);
          for (const raw of body) accept(raw, 'catch-up');
          cursor = headers.get('X-Next-Cursor') || undefined;
          if (!cursor) setFloor(serverDate(headers));
          pages += 1;
        } while (cursor && pages < CATCH_UP_MAX_PAGES);
        if (cursor) {
          showCatchUpError('Away too long to catch up statement by statement: reload the page for the full picture.');
          stateElement.dataset.catchUp = 'failed';
          return;
        }
      }
      catchUpAttempt = 0;
      pendingFrom = null;
      hideCatchUpStatus();
      stateElement.dataset.catchUp = 'done';
      options.onCaughtUp?.();
    } catch (error) {
      if (run !== catchUpRun) return;
      console.warn('Monitor: catch-up failed', error);
      const delay = CATCH_UP_RETRY_MS[Math.min(catchUpAttempt, CATCH_UP_RETRY_MS.length - 1)];
      catchUpAttempt += 1;
      showCatchUpError(`Could not catch up on missed statements (${error.message}); retrying in ${Math.round(delay / 1000)} s.`);
      stateElement.dataset.catchUp = 'failed';
      catchUpTimer = setTimeout(catchUp, delay);
    } finally {
      if (run === catchUpRun) {
        catchingUp = false;
        if (stateElement.dataset.state === 'live') setState('live');
      }
    }
  }

  function build() {
    const signalR = globalThis.signalR;
    if (!signalR) return null;
    const built = new signalR.HubConnectionBuilder()
      // WebSockets straight away, no negotiate request: replicas run without sticky sessions, and a negotiate answered
      // by one replica followed by a socket opened on another would fail.
      .withUrl(new URL(HUB_PATH, document.baseURI).href, {
        skipNegotiation: true,
        transport: signalR.HttpTransportType.WebSockets,
      })
      .withAutomaticReconnect(RECONNECT_DELAYS_MS)
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    built.on('StatementStored', (raw) => accept(raw, 'live'));
    // Under load the server sends the statements queued together in one push, oldest first.
    built.on('StatementsStored', (list) => {
      if (Array.isArray(list)) for (const raw of list) accept(raw, 'live');
    });
    // Sent only to the signed-in owner's connections: the header counts it, the page may show it.
    built.on('AlertTriggered', (raw) => {
      noteAlertTriggered(raw);
      options.onAlert?.(raw);
    });
    built.on('SourceHealthChanged', (raw) => {
      noteSourceHealth(raw?.sourceId, raw?.health);
      options.onHealth?.(raw);
    });
    // Only sent to clients that joined a topic group; registered so the client does not warn about it.
    built.on('TopicStatementStored', () => {});
    built.on('TopicStatementsStored', () => {});
    // The server's bus was away (a broker restart): pushes after `since` (the newest statement it had) may be missing.
    built.on('CatchUp', (since) => {
      const ms = Date.parse(since);
      if (Number.isFinite(ms)) pendingFrom = pendingFrom === null ? ms : Math.min(pendingFrom, ms);
      catchUp();
    });
    built.onreconnecting(() => setState('reconnecting'));
    built.onreconnecting(() => markGap());
    built.onreconnected(() => {
      setState('live');
      catchUp();
      loadSourceHealth(); // health changes while away were not pushed to this connection
      loadUnreadCount(); // nor were alerts
    });
    built.onclose(() => {
      setState('disconnected');
      scheduleRestart();
    });
    return built;
  }

  async function start() {
    clearTimeout(restartTimer);
    restartTimer = 0;
    connection ??= build();
    if (!connection) {
      console.error('Monitor: lib/signalr/signalr.min.js did not load; build the project to copy it from npm.');
      setState('disconnected');
      reconnectButton.hidden = true;
      showCatchUpError('The live script did not load: build the dashboard so npm.targets copies it.');
      catchUpRetry.hidden = true;
      return;
    }
    if (connection.state !== globalThis.signalR.HubConnectionState.Disconnected) return;
    const restarted = everStarted; // the header read source health at page load; a restart reads it again
    setState('connecting');
    try {
      markGap();
      await connection.start();
      restartAttempt = 0;
      setState('live');
      catchUp(); // closes the gap between the snapshot and the moment the connection went live
      everStarted = true;
      if (restarted) {
        loadSourceHealth();
        loadUnreadCount();
      }
    } catch (error) {
      console.warn('Monitor: live connection failed', error);
      setState('disconnected');
      scheduleRestart();
    }
  }

  function scheduleRestart() {
    clearTimeout(restartTimer);
    const delay = RESTART_DELAYS_MS[Math.min(restartAttempt, RESTART_DELAYS_MS.length - 1)];
    restartAttempt += 1;
    restartTimer = setTimeout(start, delay);
  }

  const wake = () => {
    if (stateElement.dataset.state === 'disconnected' && connection) start();
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) wake();
  });
  window.addEventListener('online', wake);

  setState('connecting');
  /**
   * A snapshot page (GET api/statements) into the page's list: each statement is remembered as held, and the
   * response's server time becomes the floor the catch-up starts from.
   */
  function absorbSnapshot(body, headers, list) {
    if (!Array.isArray(body)) throw new Error('GET api/statements did not answer a JSON array');
    for (const raw of body) {
      const statement = normalizeStatement(raw);
      if (!statement) continue;
      remember(statement);
      list.upsert(statement);
    }
    setFloor(serverDate(headers));
  }

  return { start, remember, setFloor, catchUp, absorbSnapshot, get state() { return stateElement.dataset.state; } };
}

/**
 * A bounded list of statements in an <ol>, newest stored first: upsert() adds a statement or replaces it with a
 * newer revision (an equal or older one changes nothing) and drops the oldest past `max`.
 * render(statement) builds the <li>.
 */
export function createStatementList(listElement, { max = 200, render }) {
  const entries = new Map(); // statementId -> { statement, element, key }
  const order = []; // newest first

  const sortKey = (s) => (s.storedAt ?? s.discoveredAt ?? s.publishedAt)?.getTime() ?? 0;
  const compare = (a, b) => b.key - a.key || b.statement.statementId - a.statement.statementId;

  function remove(entry) {
    const index = order.indexOf(entry);
    if (index !== -1) order.splice(index, 1);
    entries.delete(entry.statement.statementId);
    entry.element.remove();
  }

  function upsert(statement, { fresh = false } = {}) {
    const existing = entries.get(statement.statementId);
    if (existing && existing.statement.revision >= statement.revision) return false;
    if (existing) remove(existing);
    const entry = { statement, element: render(statement), key: sortKey(statement) };
    let index = order.findIndex((other) => compare(entry, other) < 0);
    if (index === -1) index = order.length;
    if (index >= max) return false;
    const next = order[index];
    order.splice(index, 0, entry);
    entries.set(statement.statementId, entry);
    listElement.insertBefore(entry.element, next ? next.element : null);
    if (fresh) {
      entry.element.classList.add('is-new');
      entry.element.addEventListener('animationend', () => entry.element.classList.remove('is-new'), { once: true });
    }
    while (order.length > max) remove(order[order.length - 1]);
    return true;
  }

  function clearAll() {
    for (const entry of [...order]) remove(entry);
  }

  return { upsert, clear: clearAll, get size() { return order.length; } };
}
