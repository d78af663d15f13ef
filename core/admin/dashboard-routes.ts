import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { AppError } from '../../shared/errors/app-error.ts';
import { BullmqJobRunner } from '../jobs/runners/bullmq-job-runner.ts';
import type { JobAdministration } from '../ports/job-admin.ts';
import { pickProblems, problemResponse } from '../../shared/http/problem-responses.ts';
import type { AdminEnv } from './admin-variables.ts';

/** Where the dashboard lives under the admin app, and its full path (bull-board builds its links from it). */
export const DASHBOARD_PATH = '/dashboard';
export const DASHBOARD_BASE_PATH = `/admin${DASHBOARD_PATH}`;

/**
 * The BullMQ dashboard (@bull-board/hono) over the runner's queues, mounted on the admin app. Its
 * routes go through the same route table and authorisation middleware as every other route
 * (`* /admin/dashboard/*` rules: admin:jobs:manage, mutations audited). With the in-process
 * runner there are no BullMQ queues to show: every dashboard path answers 501 requires-redis.
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

  if (deps.runner instanceof BullmqJobRunner) {
    const serverAdapter = new HonoAdapter(serveStatic).setBasePath(basePath);
    createBullBoard({ queues: Object.values(deps.runner.queues).map((queue) => new BullMQAdapter(queue)), serverAdapter });
    app.route(DASHBOARD_PATH, serverAdapter.registerPlugin());
    return;
  }

  const unavailable = new Hono();
  // Registered per method (not app.all): the route table and authorisation match on a concrete method.
  unavailable.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], ['/', '/*'], () => {
    throw new AppError('requires-redis', {
      detail: `The BullMQ dashboard needs the BullMQ job runner: set REDIS_URL. This deployment runs jobs in process; /admin/jobs, /admin/queues and /admin/workers work with either runner.`,
    });
  });
  app.route(DASHBOARD_PATH, unavailable);
}
