import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { decodeJwt } from 'jose';
import { bearerToken } from '../../shared/auth/access-token-verifier.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { requireSameOrigin } from '../http/console-csrf.ts';
import { DASHBOARD_COOKIE_PATH, setDashboardCookie } from '../http/console-dashboard-cookie.ts';
import { BullmqJobRunner } from '../jobs/runners/bullmq-job-runner.ts';
import type { JobAdministration } from '../ports/job-admin.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import type { AdminEnv } from './admin-variables.ts';

/** Where the dashboard lives under the admin app, and its full path (bull-board builds its links from it). */
export const DASHBOARD_PATH = '/dashboard';
export const DASHBOARD_BASE_PATH = `/admin${DASHBOARD_PATH}`;

/**
 * Headers on every dashboard answer: bull-board's page may not be framed (the cookie session
 * makes it a clickjacking target otherwise), loads scripts only from here, and is not cached.
 * Its inline styles are allowed. Nothing leaves this origin: bull-board's stylesheet link to
 * Google Fonts is taken out of its page (below) and would be blocked anyway, so it uses system fonts.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** A `<link>` to a stylesheet or font outside this origin (bull-board's page links Google Fonts). */
const OUTSIDE_LINK = /<link\b[^>]*\bhref="https?:\/\/[^"]*"[^>]*>\s*/gi;

const dashboardHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // No page of the service fetches from outside: the outside stylesheet link is taken out of
  // bull-board's page (it falls back to system fonts) rather than left for the CSP to block.
  if (c.res.headers.get('content-type')?.startsWith('text/html')) {
    const html = await c.res.text();
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(html.replace(OUTSIDE_LINK, ''), { status: c.res.status, headers });
  }
  c.header('content-security-policy', DASHBOARD_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  if (!c.req.path.includes('/static/')) c.header('cache-control', 'no-store');
};

const DashboardAccessSchema = z
  .object({
    url: z.literal(DASHBOARD_COOKIE_PATH).openapi({ description: 'Open this page: the cookie is sent to it and everything under it.' }),
    expiresAt: z.string().datetime().openapi({ description: 'When the cookie (and the access token it carries) ends: mint it again from the console then.' }),
  })
  .openapi('DashboardAccess');

/**
 * `POST /admin/dashboard-access`: from the signed-in console (its bearer token, which a
 * cross-site page cannot send; requests labelled cross-site or cross-origin refused too), sets
 * the dashboard cookie (core/http/console-dashboard-cookie.ts) to the caller's access token for
 * its remaining life, so bull-board opens in a browser tab that sends no Authorization header.
 */
function registerDashboardAccess(app: OpenAPIHono<AdminEnv>, available: boolean): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/dashboard-access',
      summary: "Console: a short-lived HttpOnly SameSite=Strict cookie scoped to /admin/dashboard carrying the caller's access token, so the BullMQ dashboard opens in a browser tab",
      tags: ['admin: queues'],
      security: [{ bearerAuth: [] }],
      middleware: [requireSameOrigin()],
      responses: {
        200: { description: 'Set-Cookie carries the dashboard cookie', content: { 'application/json': { schema: DashboardAccessSchema } } },
        ...pickProblems(401, 403),
        501: problemResponse('This deployment runs the in-process job runner (no REDIS_URL): there is no BullMQ to show'),
      },
    }),
    (c) => {
      if (!available) throw requiresRedis();
      // The authorisation middleware verified this header's token for this route.
      const token = bearerToken(c.req.header('authorization'));
      const { exp } = decodeJwt(token);
      const expiresAt = (exp ?? 0) * 1000;
      const seconds = (expiresAt - Date.now()) / 1000;
      if (!(seconds >= 1)) throw new AppError('unauthorized', { detail: 'The access token is about to expire: refresh it first.' });
      setDashboardCookie(c, token, seconds);
      return c.json({ url: DASHBOARD_COOKIE_PATH, expiresAt: new Date(expiresAt).toISOString() }, 200, { 'cache-control': 'no-store' });
    },
  );
}

const requiresRedis = () =>
  new AppError('requires-redis', {
    detail: `The BullMQ dashboard needs the BullMQ job runner: set REDIS_URL. This deployment runs jobs in process; /admin/jobs, /admin/queues and /admin/workers work with either runner.`,
  });

/**
 * The BullMQ dashboard (@bull-board/hono) over the runner's queues, mounted on the admin app. Its
 * routes go through the same route table and authorisation middleware as every other route
 * (`* /admin/dashboard/*` rules: admin:jobs:manage, mutations audited). With the in-process
 * runner there are no BullMQ queues to show: every dashboard path answers 501 requires-redis.
 * A browser tab opened from the console authenticates with the dashboard cookie instead of a
 * header (`POST /admin/dashboard-access`; docs/security.md).
 */
export function mountDashboard(app: OpenAPIHono<AdminEnv>, deps: { runner: JobAdministration; basePath?: string }): void {
  const basePath = deps.basePath ?? DASHBOARD_BASE_PATH;
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: DASHBOARD_PATH,
    summary: 'The BullMQ dashboard (bull-board UI; its own JSON API lives under /admin/dashboard/api). Needs REDIS_URL.',
    tags: ['admin: queues'],
    security: [{ bearerAuth: [] }],
    responses: {
      200: { description: 'The dashboard page', content: { 'text/html': { schema: { type: 'string' } } } },
      ...pickProblems(401, 403),
      501: problemResponse('This deployment runs the in-process job runner (no REDIS_URL): there is no BullMQ to show'),
    },
  });

  const available = deps.runner instanceof BullmqJobRunner;
  registerDashboardAccess(app, available);
  if (deps.runner instanceof BullmqJobRunner) {
    const serverAdapter = new HonoAdapter(serveStatic).setBasePath(basePath);
    createBullBoard({ queues: Object.values(deps.runner.queues).map((queue) => new BullMQAdapter(queue)), serverAdapter });
    const board = new Hono();
    board.use('*', dashboardHeaders);
    board.route('/', serverAdapter.registerPlugin());
    app.route(DASHBOARD_PATH, board);
    return;
  }

  const unavailable = new Hono();
  // Registered per method (not app.all): the route table and authorisation match on a concrete method.
  unavailable.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], ['/', '/*'], () => {
    throw requiresRedis();
  });
  app.route(DASHBOARD_PATH, unavailable);
}
