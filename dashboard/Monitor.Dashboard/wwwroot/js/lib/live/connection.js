// The SignalR connection to hubs/monitor: automatic reconnect for about two minutes, then "disconnected" and a slower
// restart loop; a restart also when the tab becomes visible again or the browser comes back online. It knows nothing of
// statements: the hub's messages go to the handlers it is given, its state changes to the callbacks.

export const HUB_PATH = 'hubs/monitor';
// Automatic reconnect for about two minutes, then "disconnected" and a slower restart loop.
export const RECONNECT_DELAYS_MS = [0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 30000, 30000];
export const RESTART_DELAYS_MS = [5000, 15000, 30000, 60000];

/**
 * Creates (does not start) the connection.
 *   messages: { [hub method]: handler } registered on the connection.
 *   setState(value): 'connecting' | 'live' | 'reconnecting' | 'disconnected'.
 *   onGap(): before every (re)connect, what the page holds is where a catch-up must start.
 *   onLive({ reconnected, restarted }): connected again (restarted: a start after an earlier connection closed).
 *   onScriptMissing(): signalr.min.js did not load.
 */
export function createConnection({ messages, setState, onGap, onLive, onScriptMissing }) {
  let connection = null;
  let state = 'connecting';
  let restartTimer = 0;
  let restartAttempt = 0;
  let everStarted = false;

  function changeState(value) {
    state = value;
    setState(value);
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
    for (const [method, handler] of Object.entries(messages)) built.on(method, handler);
    built.onreconnecting(() => changeState('reconnecting'));
    built.onreconnecting(() => onGap());
    built.onreconnected(() => {
      changeState('live');
      onLive({ reconnected: true, restarted: false });
    });
    built.onclose(() => {
      changeState('disconnected');
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
      state = 'disconnected';
      onScriptMissing();
      return;
    }
    if (connection.state !== globalThis.signalR.HubConnectionState.Disconnected) return;
    const restarted = everStarted; // the header read source health at page load; a restart reads it again
    changeState('connecting');
    try {
      onGap();
      await connection.start();
      restartAttempt = 0;
      changeState('live');
      onLive({ reconnected: false, restarted });
      everStarted = true;
    } catch (error) {
      console.warn('Monitor: live connection failed', error);
      changeState('disconnected');
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
    if (state === 'disconnected' && connection) start();
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) wake();
  });
  window.addEventListener('online', wake);

  return {
    start,
    /** The Reconnect button: from the first restart delay again. */
    restartNow() {
      restartAttempt = 0;
      return start();
    },
  };
}
