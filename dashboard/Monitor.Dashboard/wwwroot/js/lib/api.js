// The dashboard's REST client. Paths are relative to <base>, so the pages also work behind a path base.

export class ApiError extends Error {
  constructor(message, status, detail) {
    super(message);
    this.status = status;
    this.detail = detail;
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

/** GET → { body, headers }; a non-2xx answer throws ApiError with the ProblemDetails detail when there is one. */
export async function get(path, params, { signal } = {}) {
  const response = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' }, cache: 'no-store', signal });
  if (!response.ok) {
    let detail = '';
    try {
      const problem = await response.json();
      detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : '';
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(detail || `GET ${path} answered HTTP ${response.status}`, response.status, detail);
  }
  return { body: await response.json(), headers: response.headers };
}

export async function getJson(path, params, options) {
  return (await get(path, params, options)).body;
}
