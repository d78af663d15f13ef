// Calls to core's admin API with the in-memory access token; failures become ProblemError.
import { ProblemError, problemFrom, refresh, session } from './session.js';

/** JSON request to core; one refresh and retry on 401. Resolves the parsed body (null for 204). */
export async function api(path, { method = 'GET', body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '' && value !== null) url.searchParams.set(key, String(value));
  const send = () =>
    fetch(url, {
      method,
      headers: {
        ...(session() ? { authorization: `Bearer ${session().token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  let response = await send();
  if (response.status === 401 && (await refresh())) response = await send();
  if (!response.ok) throw await problemFrom(response);
  return response.status === 204 ? null : response.json();
}

/**
 * POST with upload progress (XMLHttpRequest: fetch reports none). `onProgress(fraction)` as the
 * body (a string, or a File sent as it is) goes out. Resolves { status, body } for 2xx; rejects
 * with a ProblemError otherwise (a 422 of an upload carries its rejections in `problem.rejected`).
 */
export function uploadWithProgress(path, body, onProgress, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('content-type', contentType);
    if (session()) request.setRequestHeader('authorization', `Bearer ${session().token}`);
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      onProgress(1);
      const parsed = request.response ?? {};
      if (request.status >= 200 && request.status < 300) resolve({ status: request.status, body: parsed });
      else reject(new ProblemError(request.status, parsed));
    });
    request.addEventListener('error', () => reject(new ProblemError(0, { title: 'Network error', detail: 'The upload did not reach the server.' })));
    request.send(body);
  });
}
