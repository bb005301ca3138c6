// Who is signed in: GET api/account/me, read once per page and cached; sign-in and sign-out read it again (the CSRF
// token changes with the user). Roles rank viewer < analyst < admin.
import { getJson, send, setCsrfToken, currentPageUrl, setSigningOut } from './api.js';

const ME_PATH = 'api/account/me';
export const ROLES = ['viewer', 'analyst', 'admin'];

let cached = null;

/** Resolves to the account (anonymous: { authenticated: false, ... }); refresh: read it again. */
export function currentAccount({ refresh = false } = {}) {
  if (refresh || cached === null) {
    cached = getJson(ME_PATH)
      .then((me) => {
        setCsrfToken(me?.csrfToken);
        return normalize(me);
      })
      .catch((error) => {
        cached = null;
        throw error;
      });
  }
  return cached;
}

function normalize(me) {
  const account = me && typeof me === 'object' ? me : {};
  return {
    ...account,
    authenticated: account.authenticated === true,
    role: ROLES.includes(account.role) ? account.role : null,
    oidc: { enabled: account.oidc?.enabled === true, displayName: typeof account.oidc?.displayName === 'string' ? account.oidc.displayName : '' },
  };
}

/** True when the account is signed in with at least the given role. */
export function hasRole(account, role) {
  if (!account?.authenticated || account.role === null) return false;
  return ROLES.indexOf(account.role) >= ROLES.indexOf(role);
}

/** POST api/account/sign-in; resolves to the account afterwards. A wrong password rejects with ApiError 401, too many tries with 429. */
export async function signIn(userName, password) {
  await send('POST', 'api/account/sign-in', { userName, password });
  return currentAccount({ refresh: true });
}

/** POST api/account/sign-out; resolves to the (anonymous) account afterwards. */
export async function signOut() {
  setSigningOut(true);
  try {
    await send('POST', 'api/account/sign-out');
    return await currentAccount({ refresh: true });
  } catch (error) {
    setSigningOut(false);
    throw error;
  }
}

/** The sign-in page's URL, bringing the user back to returnUrl (default: this page) afterwards. */
export function signInHref(returnUrl = currentPageUrl()) {
  const url = new URL('signin.html', document.baseURI);
  url.searchParams.set('returnUrl', returnUrl);
  return url.href;
}

/**
 * For pages that need an account: resolves to it when signed in, else goes to the sign-in page (and resolves to null,
 * so the page stops).
 */
export async function requireAccount() {
  const account = await currentAccount();
  if (!account.authenticated) {
    location.assign(signInHref());
    return null;
  }
  return account;
}

/**
 * A returnUrl from the query, accepted only as a same-origin path ("/alerts.html?x"): absolute URLs, protocol-relative
 * "//host" and backslash tricks fall back to the home page.
 */
export function safeReturnUrl(value, fallback = 'index.html') {
  if (typeof value !== 'string' || value === '') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== location.origin) return fallback;
  // The sign-in page itself is no destination after signing in.
  if (url.pathname.endsWith('/signin.html')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
