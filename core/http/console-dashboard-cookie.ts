import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../../shared/errors/app-error.ts';
import { crossOriginReason } from './console-csrf.ts';

/**
 * The cookie that lets a browser open the BullMQ dashboard (bull-board) from the console: it
 * holds the console's current access token, is HttpOnly, Secure, SameSite=Strict, sent only to
 * DASHBOARD_COOKIE_PATH, and lives no longer than that token. Minted by
 * `POST /admin/dashboard-access` (core/admin/dashboard-routes.ts), accepted only by the routes
 * whose rule names it (core/http/route-permissions.ts), and only from this site's own pages.
 */
export const DASHBOARD_COOKIE = 'apfa_dashboard';
/** The only path the dashboard cookie is sent to (bull-board's page, assets and JSON API). */
export const DASHBOARD_COOKIE_PATH = '/admin/dashboard' as const;

const ATTRIBUTES = { httpOnly: true, secure: true, sameSite: 'Strict', path: DASHBOARD_COOKIE_PATH } as const;

/** Sets the dashboard cookie to `accessToken` for `maxAgeSeconds` (the token's remaining life). */
export function setDashboardCookie(c: Context, accessToken: string, maxAgeSeconds: number): void {
  setCookie(c, DASHBOARD_COOKIE, accessToken, { ...ATTRIBUTES, maxAge: Math.max(1, Math.floor(maxAgeSeconds)) });
}

/** Clears the dashboard cookie (console sign-out). */
export function clearDashboardCookie(c: Context): void {
  deleteCookie(c, DASHBOARD_COOKIE, ATTRIBUTES);
}

/**
 * The access token a cookie carries, for a route whose rule accepts that cookie; undefined when
 * the request has none. A request the browser labels as coming from another site or origin is
 * refused (403) even with the cookie: SameSite=Strict already keeps it off cross-site requests,
 * this also covers same-site neighbours and older browsers. Reads (GET/HEAD) may come from a
 * typed URL (`Sec-Fetch-Site: none`); changes must carry this site's Origin.
 */
export function cookieAccessToken(c: Context, cookie: string): string | undefined {
  const token = getCookie(c, cookie);
  if (token === undefined || token.length === 0) return undefined;
  const reason = crossOriginReason(c, { allowTyped: true, requireOrigin: true });
  if (reason !== undefined) throw new AppError('forbidden', { detail: `${reason} The dashboard cookie is accepted only from this site.` });
  return token;
}
