import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { TokenPasswordRequestSchema, type TokenResponse } from '../../shared/contracts/auth.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { CONSOLE_REQUEST_HEADER, requireConsoleRequest } from '../http/console-csrf.ts';
import { clearDashboardCookie } from '../http/console-dashboard-cookie.ts';

/** The console's refresh-token cookie: HttpOnly, Secure, SameSite=Strict, sent only to CONSOLE_SESSION_PATH. */
export const CONSOLE_REFRESH_COOKIE = 'apfa_console_refresh';
/** The only path the refresh cookie is sent to. */
export const CONSOLE_SESSION_PATH = '/v1/auth/console';
/** How long a browser keeps the cookie (the refresh token itself may live longer server-side; sign-out revokes it). */
export const CONSOLE_COOKIE_MAX_AGE_SECONDS = 12 * 3600;

export interface ConsoleSessionGrants {
  passwordGrant(username: string, password: string): Promise<TokenResponse>;
  refreshGrant(refreshToken: string): Promise<TokenResponse>;
  revokeRefreshToken(refreshToken: string): Promise<boolean>;
}

export interface ConsoleSessionRouteDeps {
  tokens: ConsoleSessionGrants;
  maxBodyBytes: number;
}

const ConsoleAccessSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Access-token lifetime in seconds: refresh before it ends.' }),
  })
  .openapi('ConsoleAccess');

const ConsoleSignInSchema = TokenPasswordRequestSchema.pick({ username: true, password: true }).strict().openapi('ConsoleSignIn');

const csrfHeader = z.object({
  [CONSOLE_REQUEST_HEADER]: z.literal('1').openapi({ param: { name: CONSOLE_REQUEST_HEADER, in: 'header' }, description: 'Required (CSRF): a cross-site form cannot send it.' }),
});

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * The console's session over cookies, so a browser never holds the refresh token where script
 * can read it: `session` (password sign-in) and `refresh` set the rotated refresh token as an
 * HttpOnly cookie scoped to CONSOLE_SESSION_PATH and answer the access token only (kept in
 * memory by the page); `logout` revokes the token's session and clears the cookie (and the
 * dashboard cookie, core/http/console-dashboard-cookie.ts). Every route
 * requires the console header and a same-origin request (core/http/console-csrf.ts).
 */
export function consoleSessionRoutes(deps: ConsoleSessionRouteDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  // The CSRF check runs before the body is read: a refused cross-site form never reaches the grants.
  const guards: MiddlewareHandler[] = [requireConsoleRequest()];
  const bodyGuards: MiddlewareHandler[] = [...guards, jsonBodyGuard({ maxBytes: deps.maxBodyBytes, mediaTypes: ['application/json'] })];

  const setRefreshCookie = (c: Context, token: string) =>
    setCookie(c, CONSOLE_REFRESH_COOKIE, token, {
      httpOnly: true,
      // Browsers keep Secure cookies from http://localhost and http://127.0.0.1 too (loopback is a secure context).
      secure: true,
      sameSite: 'Strict',
      path: CONSOLE_SESSION_PATH,
      maxAge: CONSOLE_COOKIE_MAX_AGE_SECONDS,
    });
  const clearRefreshCookie = (c: Context) => deleteCookie(c, CONSOLE_REFRESH_COOKIE, { path: CONSOLE_SESSION_PATH, secure: true, httpOnly: true, sameSite: 'Strict' });
  const answer = (c: Context, tokens: TokenResponse) => {
    setRefreshCookie(c, tokens.refresh_token);
    return c.json({ access_token: tokens.access_token, token_type: tokens.token_type, expires_in: tokens.expires_in }, 200, noStore);
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: `${CONSOLE_SESSION_PATH}/session`,
      summary: 'Console sign-in: access token in the body, refresh token as an HttpOnly cookie',
      tags: ['auth'],
      middleware: bodyGuards,
      request: { headers: csrfHeader, body: { content: { 'application/json': { schema: ConsoleSignInSchema } }, required: true } },
      responses: {
        200: { description: 'Signed in; Set-Cookie carries the refresh token', content: { 'application/json': { schema: ConsoleAccessSchema } } },
        ...pickProblems(400, 401, 403, 413, 415, 422, 429),
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      return answer(c, await deps.tokens.passwordGrant(username, password));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${CONSOLE_SESSION_PATH}/refresh`,
      summary: "Console refresh: rotates the cookie's refresh token and answers a new access token",
      tags: ['auth'],
      middleware: guards,
      request: { headers: csrfHeader },
      responses: {
        200: { description: 'A new access token; Set-Cookie carries the rotated refresh token', content: { 'application/json': { schema: ConsoleAccessSchema } } },
        ...pickProblems(401, 403),
      },
    }),
    async (c) => {
      const token = getCookie(c, CONSOLE_REFRESH_COOKIE);
      if (token === undefined) throw new AppError('unauthorized', { detail: 'No console session: sign in.' });
      try {
        return answer(c, await deps.tokens.refreshGrant(token));
      } catch (error) {
        clearRefreshCookie(c);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${CONSOLE_SESSION_PATH}/logout`,
      summary: "Console sign-out: revokes the cookie's session and clears the cookie (and the BullMQ dashboard cookie)",
      tags: ['auth'],
      middleware: guards,
      request: { headers: csrfHeader },
      responses: { 204: { description: 'Signed out (also when there was no session)' }, ...pickProblems(403) },
    }),
    async (c) => {
      const token = getCookie(c, CONSOLE_REFRESH_COOKIE);
      if (token !== undefined) await deps.tokens.revokeRefreshToken(token);
      clearRefreshCookie(c);
      // The BullMQ dashboard cookie too (its access token would otherwise open bull-board until it expires).
      clearDashboardCookie(c);
      return c.body(null, 204, noStore);
    },
  );
  return app;
}
