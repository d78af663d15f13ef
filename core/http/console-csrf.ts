import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';

/** The header every console request that relies on the session cookie must carry. */
export const CONSOLE_REQUEST_HEADER = 'x-apfa-console';

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
