import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';

/** The header every console request that relies on the session cookie must carry. */
export const CONSOLE_REQUEST_HEADER = 'x-apfa-console';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Why the browser's own labels say this request did not come from this origin, or undefined when
 * they do not: `Sec-Fetch-Site` other than `same-origin` (`none`, a typed URL or a bookmark, only
 * when `allowTyped` and the method is GET/HEAD), or an `Origin` other than this server's. With
 * `requireOrigin`, a request that changes something must carry an `Origin` at all (browsers send
 * it on every non-GET fetch and form).
 */
export function crossOriginReason(c: Context, options: { allowTyped?: boolean; requireOrigin?: boolean } = {}): string | undefined {
  const safe = SAFE_METHODS.has(c.req.method.toUpperCase());
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && !(site === 'none' && safe && options.allowTyped === true)) {
    return `Requests must come from this site's own pages (Sec-Fetch-Site: ${site}).`;
  }
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) return 'Requests must come from this site\'s own pages (Origin).';
  if (origin === undefined && !safe && options.requireOrigin === true) return 'Requests that change something must carry this site\'s Origin.';
  return undefined;
}

/** Refuses (403 problem+json) a request the browser labels as cross-site or cross-origin; see {@link crossOriginReason}. */
export function requireSameOrigin(): MiddlewareHandler {
  return async (c, next) => {
    const reason = crossOriginReason(c);
    if (reason !== undefined) throw new AppError('forbidden', { detail: reason });
    await next();
  };
}

/**
 * CSRF guard for the cookie-authenticated console routes. A cross-site page can make a browser
 * send the cookie (a form POST), but it cannot add a custom header without a CORS preflight this
 * server never grants, and the browser labels the request: `Sec-Fetch-Site` other than
 * `same-origin`, or an `Origin` other than this server's, is refused too. 403 problem+json.
 */
export function requireConsoleRequest(): MiddlewareHandler {
  return async (c, next) => {
    const refuse = (detail: string) => {
      throw new AppError('forbidden', { detail });
    };
    if (c.req.header(CONSOLE_REQUEST_HEADER) !== '1') refuse(`Console requests carry the header ${CONSOLE_REQUEST_HEADER}: 1.`);
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') refuse('Console requests must come from the console itself (Sec-Fetch-Site: same-origin).');
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin) refuse('Console requests must come from the console itself (Origin).');
    await next();
  };
}
