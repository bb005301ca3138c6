// The dashboard's REST client. Paths are relative to <base>, so the pages also work behind a path base.
//
// Reads: get() / getJson(). Writes: send(method, path, body) with a JSON body and the X-CSRF-TOKEN header the server
// asks of cookie-authenticated writes (the token comes from GET api/account/me; js/lib/account.js keeps it current
// across sign-in and sign-out). Any 401 sends the browser to the sign-in page with the current page as returnUrl,
// except on the sign-in page itself, where a 401 is the answer to a wrong password.

const ME_PATH = 'api/account/me';

export class ApiError extends Error {
  constructor(message, status, detail, retryAfterSeconds = null) {
    super(message);
    this.status = status;
    this.detail = detail;
    /** Seconds from a Retry-After header (429), or null. */
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function apiUrl(path, params = {}) {
  const url = new URL(path, document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return url;
}

let csrfToken = null;

/** The token for X-CSRF-TOKEN, as GET api/account/me answered it (account.js sets it; null: read it before a write). */
export function setCsrfToken(token) {
  csrfToken = typeof token === 'string' && token !== '' ? token : null;
}

/** The page's own path, query and hash: where the sign-in page sends the user back to. */
export function currentPageUrl() {
  return `${location.pathname}${location.search}${location.hash}`;
}

let redirecting = false;

/**
 * While signing out, requests still in flight (a page's marks, the unread count) answer 401: that is the sign-out, not a
 * lost session, so they do not send the browser to the sign-in page; the sign-out decides where it goes. Off again
 * when the sign-out failed.
 */
export function setSigningOut(on) {
  redirecting = on === true;
}

/** A 401 outside the sign-in page: the session is gone or was never there; the sign-in page brings the user back. */
function handleUnauthorized() {
  if (document.body?.dataset.page === 'signin' || redirecting) return;
  redirecting = true;
  const target = new URL('signin.html', document.baseURI);
  target.searchParams.set('returnUrl', currentPageUrl());
  location.assign(target.href);
}

async function failure(response, method, path) {
  let detail = '';
  try {
    const problem = await response.json();
    detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : '';
  } catch {
    // not JSON: the status says enough
  }
  if (response.status === 401) handleUnauthorized();
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return new ApiError(detail || `${method} ${path} answered HTTP ${response.status}`, response.status, detail,
    Number.isFinite(retryAfter) ? retryAfter : null);
}

/** GET → { body, headers }; a non-2xx answer throws ApiError with the ProblemDetails detail when there is one. */
export async function get(path, params, { signal } = {}) {
  const response = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' }, cache: 'no-store', signal });
  if (!response.ok) throw await failure(response, 'GET', path);
  return { body: await response.json(), headers: response.headers };
}

export async function getJson(path, params, options) {
  return (await get(path, params, options)).body;
}

/**
 * A write: method (POST, PUT, PATCH, DELETE), path relative to <base>, body sent as JSON (none when undefined).
 * Resolves to the parsed JSON answer, or null for an empty one (204); a non-2xx answer throws ApiError like get().
 */
export async function send(method, path, body) {
  if (csrfToken === null) await readCsrfToken();
  const headers = { Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-TOKEN'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(apiUrl(path), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  if (!response.ok) throw await failure(response, method, path);
  if (response.status === 204) return null;
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

/** Reads the token once when a write comes before account.js has read the account (me answers anonymous callers too). */
async function readCsrfToken() {
  try {
    const me = await getJson(ME_PATH);
    setCsrfToken(me?.csrfToken);
  } catch (error) {
    console.warn('Monitor: could not read the CSRF token', error);
  }
}
