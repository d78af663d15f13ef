// The console's session: the access token lives only in this module's memory; the refresh token
// is an HttpOnly cookie the page never sees (core/routes/console-session-routes.ts).
import { ROLE_PERMISSIONS } from './roles.js';

const SESSION_PATH = '/v1/auth/console';
/** Sent on every console session request: a cross-site form cannot add it (CSRF). */
export const CONSOLE_HEADERS = { 'x-apfa-console': '1' };

let current = null; // { token, username, role, expiresAt }
let refreshTimer;
const listeners = new Set();

/** The signed-in user ({ token, username, role }) or null. */
export const session = () => current;

/** Calls `listener` whenever the session changes (signed in, refreshed, signed out). */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True when the signed-in role holds `permission` (shared/rbac/roles.ts, served as roles.js). */
export function can(permission) {
  return current !== null && (ROLE_PERMISSIONS[current.role] ?? []).includes(permission);
}

function claimsOf(token) {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(json);
}

function adopt(body) {
  const claims = claimsOf(body.access_token);
  current = { token: body.access_token, username: claims.username ?? claims.sub, role: claims.role, userId: claims.sub, expiresAt: Date.now() + body.expires_in * 1000 };
  clearTimeout(refreshTimer);
  // Refresh a minute before the access token ends (or halfway for short lifetimes).
  const wait = Math.max(5_000, Math.min(body.expires_in * 1000 - 60_000, (body.expires_in * 1000) / 2));
  refreshTimer = setTimeout(() => void refresh(), wait);
  for (const listener of listeners) listener(current);
}

function drop() {
  current = null;
  clearTimeout(refreshTimer);
  for (const listener of listeners) listener(null);
}

/** A problem+json failure: `title` and `detail` are shown to the operator as text. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.title = problem.title ?? `Request failed (HTTP ${status})`;
    this.detail = problem.detail ?? '';
    this.problem = problem;
  }
}

/** Turns a non-2xx response into a ProblemError (problem+json when the server sent one). */
export async function problemFrom(response) {
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    problem = { title: `Request failed (HTTP ${response.status})`, detail: response.statusText };
  }
  return new ProblemError(response.status, typeof problem === 'object' && problem !== null ? problem : {});
}

async function post(path, body) {
  const response = await fetch(`${SESSION_PATH}/${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? CONSOLE_HEADERS : { ...CONSOLE_HEADERS, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await problemFrom(response);
  return response.status === 204 ? null : response.json();
}

/** Password sign-in; sets the refresh cookie. Throws ProblemError. */
export async function signIn(username, password) {
  adopt(await post('session', { username, password }));
}

let refreshing;
/** New access token from the cookie; resolves false (signed out) when the session is gone. */
export function refresh() {
  refreshing ??= post('refresh')
    .then((body) => {
      adopt(body);
      return true;
    })
    .catch(() => {
      drop();
      return false;
    })
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

/** Revokes the session server-side and clears the cookie. */
export async function signOut() {
  try {
    await post('logout');
  } finally {
    drop();
  }
}
