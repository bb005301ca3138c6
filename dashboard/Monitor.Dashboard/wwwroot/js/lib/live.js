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
// This file only puts the parts in js/lib/live/ together:
//   connection.js     the SignalR connection, its reconnect and restart loop
//   revision-gate.js  (pure) lets a statement through only when its (statementId, revision) is new
//   catch-up.js       where a catch-up starts (pure window) and the runner: GET api/live/since?after=<newest
//                     storedAt seen, or the snapshot's time, − 60 s>, following X-Next-Cursor, oldest first
//   controls.js       the state in the header, Reconnect, the catch-up status and its Retry
//   statement-list.js the bounded <ol> of statements the live and topic pages show
// Live pushes and catch-up pages go through the one gate, so the overlap of the 60 s margin, a push racing a
// catch-up page, or a repeat from the server are dropped.
import { get } from './api.js';
import { normalizeStatement } from './statements.js';
import { noteSourceHealth, loadSourceHealth, noteAlertTriggered, loadUnreadCount } from './layout.js';
import { createConnection } from './live/connection.js';
import { createRevisionGate } from './live/revision-gate.js';
import { createCatchUp, createCatchUpWindow, serverDate, SINCE_PATH } from './live/catch-up.js';
import { createControls } from './live/controls.js';

export { serverDate } from './live/catch-up.js';
export { createStatementList } from './live/statement-list.js';

/**
 * Creates (does not start) the page's live connection.
 * options.stateElement: the #connection-state element renderHeader() returns.
 * options.onStatement(statement, { via: 'live' | 'catch-up' }): a normalised statement the page has not seen.
 * options.onHealth(raw SourceHealthChanged), options.onAlert(raw AlertTriggered: the signed-in user's own alerts only).
 * options.onGrouped(raw EventChips): statements pushed earlier were put in events ({ statements: [{ statementId,
 *   eventId, newEvent }], events: [{ eventId, title, institutions, members, merged }] }); the live view's chips.
 * options.onHeld(statement): a statement the page holds already, seen again in a catch-up (its event may be newer).
 * options.onCaughtUp(): after each completed catch-up.
 */
export function createLive(options) {
  const gate = createRevisionGate();
  const catchUpWindow = createCatchUpWindow();

  function accept(raw, via) {
    const statement = normalizeStatement(raw);
    if (!statement) {
      console.warn('Monitor: ignored a statement without a numeric statementId and revision', raw);
      return;
    }
    if (!gate.admit(statement)) {
      // Held already: a catch-up may still bring its event, whose push was lost while the server's bus was away.
      if (via === 'catch-up') options.onHeld?.(statement);
      return;
    }
    try {
      options.onStatement?.(statement, { via });
    } catch (error) {
      console.error('Monitor: the page failed to show a statement', error);
    }
  }

  const controls = createControls(options.stateElement, {
    onReconnect: () => connection.restartNow(),
    onRetryCatchUp: () => catchUp.retryNow(),
  });

  const catchUp = createCatchUp({
    fetchPage: (params) => get(SINCE_PATH, params),
    gate,
    window: catchUpWindow,
    accept: (raw) => accept(raw, 'catch-up'),
    status: controls.catchUpStatus,
    onCaughtUp: () => options.onCaughtUp?.(),
  });

  const connection = createConnection({
    messages: {
      StatementStored: (raw) => accept(raw, 'live'),
      // Under load the server sends the statements queued together in one push, oldest first.
      StatementsStored: (list) => {
        if (Array.isArray(list)) for (const raw of list) accept(raw, 'live');
      },
      // Sent only to the signed-in owner's connections: the header counts it, the page may show it.
      AlertTriggered: (raw) => {
        noteAlertTriggered(raw);
        options.onAlert?.(raw);
      },
      SourceHealthChanged: (raw) => {
        noteSourceHealth(raw?.sourceId, raw?.health);
        options.onHealth?.(raw);
      },
      // A few seconds after a statement: the event it joined or started (every page registers it; the live view draws it).
      StatementsGrouped: (raw) => {
        try {
          options.onGrouped?.(raw);
        } catch (error) {
          console.error('Monitor: the page failed to show event chips', error);
        }
      },
      // Only sent to clients that joined a topic group; registered so the client does not warn about it.
      TopicStatementStored: () => {},
      TopicStatementsStored: () => {},
      // The server's bus was away (a broker restart): pushes after `since` (the newest statement it had) may be missing.
      CatchUp: (since) => {
        catchUpWindow.markBusGap(since);
        catchUp.run();
      },
    },
    setState: controls.setState,
    onGap: () => catchUpWindow.markGap(gate.newestStoredAt),
    onLive: ({ reconnected, restarted }) => {
      catchUp.run(); // closes the gap between what the page held and the moment the connection went live
      // Health changes and alerts while away were not pushed to this connection; the header read them at page load.
      if (reconnected || restarted) {
        loadSourceHealth();
        loadUnreadCount();
      }
    },
    onScriptMissing: controls.showScriptMissing,
  });

  controls.setState('connecting');

  /**
   * A snapshot page (GET api/statements) into the page's list: each statement is remembered as held, and the
   * response's server time becomes the floor the catch-up starts from.
   */
  function absorbSnapshot(body, headers, list) {
    if (!Array.isArray(body)) throw new Error('GET api/statements did not answer a JSON array');
    for (const raw of body) {
      const statement = normalizeStatement(raw);
      if (!statement) continue;
      gate.admit(statement);
      list.upsert(statement);
    }
    catchUpWindow.setFloor(serverDate(headers));
  }

  return {
    start: connection.start,
    remember: gate.admit,
    setFloor: catchUpWindow.setFloor,
    catchUp: catchUp.run,
    absorbSnapshot,
    get state() { return controls.state; },
  };
}
