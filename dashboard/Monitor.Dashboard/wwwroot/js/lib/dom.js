// DOM helpers every page uses. Feed text is untrusted: it reaches the DOM only through textContent and
// setAttribute (never innerHTML), and becomes a link only when it is an absolute http(s) URL. Lookups go
// through Maps keyed by id, never through selectors built from data.

/** A new element with an optional class and text (set as text, never parsed as HTML). */
export function h(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

export function asText(value) {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/** An absolute http(s) URL, or null: javascript:, data:, relative and malformed URLs never become links. */
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/** A link to an external page (new tab), or plain text when the URL is not a safe http(s) URL. */
export function link(url, text, className) {
  const href = safeHttpUrl(url);
  if (!href) return h('span', className, text);
  const a = h('a', className, text);
  a.setAttribute('href', href);
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  return a;
}

/** A link inside the dashboard: path relative to <base>, query parameters encoded. */
export function pageLink(path, params, text, className) {
  const a = h('a', className, text);
  a.setAttribute('href', pageHref(path, params));
  return a;
}

export function pageHref(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** Shows a status line (hidden when empty); errors are styled and announced like any status. */
export function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.hidden = text === '';
  element.classList.toggle('status-error', isError);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}
