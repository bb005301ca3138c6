// The live connection's controls in the header: the connection state (data-state, its label), a Reconnect button
// while disconnected, and a catch-up status line (data-catch-up on the state element) with its Retry button.
import { h } from '../dom.js';

export const LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

/** The text beside the state dot (pure). */
export function connectionLabel(state, catchingUp) {
  if (state === 'live' && catchingUp) return 'Live, catching up…';
  return LABELS[state];
}

/**
 * Puts the controls where stateElement (the #connection-state element renderHeader() returns) is, around it.
 * onReconnect(): the Reconnect button; onRetryCatchUp(): the catch-up's Retry button.
 */
export function createControls(stateElement, { onReconnect, onRetryCatchUp }) {
  const label = stateElement.querySelector('.connection-label');
  let catchingUp = false;

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

  reconnectButton.addEventListener('click', () => onReconnect());
  catchUpRetry.addEventListener('click', () => onRetryCatchUp());

  function setState(value) {
    stateElement.dataset.state = value;
    label.textContent = connectionLabel(value, catchingUp);
    reconnectButton.hidden = value !== 'disconnected';
  }

  /** "Live" or "Live, catching up…": redrawn only while live. */
  function setCatchingUp(value) {
    catchingUp = value;
    if (stateElement.dataset.state === 'live') setState('live');
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

  return {
    setState,
    get state() { return stateElement.dataset.state; },
    /** The catch-up runner's status (catch-up.js). */
    catchUpStatus: {
      running() {
        setCatchingUp(true);
        stateElement.dataset.catchUp = 'running';
      },
      done() {
        hideCatchUpStatus();
        stateElement.dataset.catchUp = 'done';
      },
      failed(message) {
        showCatchUpError(message);
        stateElement.dataset.catchUp = 'failed';
      },
      settled() {
        setCatchingUp(false);
      },
    },
    /** The SignalR script did not load: no reconnect, no retry, only the reason. */
    showScriptMissing() {
      setState('disconnected');
      reconnectButton.hidden = true;
      showCatchUpError('The live script did not load: build the dashboard so npm.targets copies it.');
      catchUpRetry.hidden = true;
    },
  };
}
