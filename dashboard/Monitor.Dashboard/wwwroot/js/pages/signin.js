// Sign-in page (signin.html?returnUrl=/…): user name and password (POST api/account/sign-in), or the OpenID Connect
// provider when configured. Afterwards the browser goes to returnUrl, accepted only as a same-origin path.
import { h, setStatus } from '../lib/dom.js';
import { apiUrl } from '../lib/api.js';
import { renderHeader } from '../lib/layout.js';
import { currentAccount, signIn, safeReturnUrl } from '../lib/account.js';

const ui = {
  form: document.getElementById('signin-form'),
  user: document.getElementById('signin-user'),
  password: document.getElementById('signin-password'),
  error: document.getElementById('signin-error'),
  state: document.getElementById('signin-state'),
  oidc: document.getElementById('signin-oidc'),
  submit: document.querySelector('#signin-form button[type=submit]'),
};

const returnUrl = safeReturnUrl(new URLSearchParams(location.search).get('returnUrl'));

function destination() {
  return new URL(returnUrl, document.baseURI).href;
}

function errorMessage(error) {
  if (error?.status === 429) {
    const seconds = error.retryAfterSeconds;
    if (seconds === null || seconds === undefined) return `Too many sign-in attempts: ${error.message}`;
    // The per-account limit waits minutes (15 by default), the per-address one seconds.
    return seconds >= 120
      ? `Too many failed sign-ins for this account: try again in ${Math.ceil(seconds / 60)} min.`
      : `Too many sign-in attempts: try again in ${seconds} s.`;
  }
  if (error?.status === 401) return error.detail || 'Wrong user name or password.';
  return `Could not sign in: ${error?.message ?? error}`;
}

async function submit(event) {
  event.preventDefault();
  const userName = ui.user.value.trim();
  const password = ui.password.value;
  if (userName === '' || password === '') {
    setStatus(ui.error, 'Enter your user name and password.', true);
    (userName === '' ? ui.user : ui.password).focus();
    return;
  }
  ui.submit.disabled = true;
  setStatus(ui.error, '');
  try {
    const account = await signIn(userName, password);
    if (!account.authenticated) throw new Error('the server did not keep the session (are cookies blocked?)');
    location.assign(destination());
  } catch (error) {
    setStatus(ui.error, errorMessage(error), true);
    ui.password.select();
    ui.password.focus();
    ui.submit.disabled = false;
  }
}

async function main() {
  renderHeader('signin').remove(); // not a live page
  ui.form.addEventListener('submit', submit);
  let account;
  try {
    account = await currentAccount();
  } catch (error) {
    setStatus(ui.error, `Could not reach the dashboard: ${error.message}`, true);
    return;
  }
  if (account.authenticated) {
    clearAndLink(`You are signed in as ${account.userName ?? ''}. `, 'Continue', destination());
  }
  if (account.oidc.enabled) {
    const url = apiUrl('api/account/sign-in/oidc', { returnUrl });
    const a = h('a', 'action oidc-link', `Sign in with ${account.oidc.displayName || 'single sign-on'}`);
    a.setAttribute('href', url.href);
    ui.oidc.replaceChildren(h('span', 'muted', 'or '), a);
    ui.oidc.hidden = false;
  }
  if (!account.authenticated) ui.user.focus();
}

function clearAndLink(text, linkText, href) {
  const a = h('a', null, linkText);
  a.setAttribute('href', href);
  ui.state.replaceChildren(text, a);
  ui.state.hidden = false;
}

main();
