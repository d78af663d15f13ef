import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { jsonBodyGuard } from '../../shared/http/json-body-guard.ts';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { noteAudit } from '../audit/audit-mutations.ts';
import { numericCounts } from '../jobs/queue-depth-reporter.ts';
import { QUEUE_NAMES } from '../jobs/queue-topology.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import type { JobAdministration } from '../ports/job-admin.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import type { AdminEnv } from './admin-variables.ts';
import { CleanQueueRequestSchema, CleanQueueResultSchema, QueueListSchema, QueueParamsSchema, QueueStatusSchema, WorkerListSchema } from './operations-schemas.ts';

const security = [{ bearerAuth: [] }];
const tags = ['admin: queues'];

/** Counts per state, paused flag and live workers of each queue. */
async function queueStatuses(runner: JobAdministration, only?: QueueName) {
  const [counts, workers] = await Promise.all([runner.counts(), runner.workers()]);
  const names = only ? [only] : QUEUE_NAMES;
  return Promise.all(
    names.map(async (name) => ({
      name,
      paused: await runner.isPaused(name),
      counts: numericCounts(counts[name]),
      workers: workers.filter((worker) => worker.queue === name).length,
    })),
  );
}

/** Queues and workers: counts per state, pause/resume, clean finished jobs, workers alive. */
export function queueRoutes(deps: { runner: JobAdministration; maxBodyBytes: number }) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  const { runner } = deps;
  const body = jsonBodyGuard({ maxBytes: deps.maxBodyBytes });
  const statusResponse = (description: string) => ({ description, content: { 'application/json': { schema: QueueStatusSchema } } });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/queues',
      summary: 'Every queue: job counts per state, paused or not, workers alive',
      tags,
      security,
      responses: { 200: { description: 'Queues', content: { 'application/json': { schema: QueueListSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => c.json({ runner: runner.kind, queues: await queueStatuses(runner) }, 200),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/queues/{queue}/${action}`,
        summary: action === 'pause' ? 'Pause a queue for every worker: no new job starts, running ones finish' : 'Resume a paused queue',
        tags,
        security,
        request: { params: QueueParamsSchema },
        responses: { 200: statusResponse(action === 'pause' ? 'Paused' : 'Resumed'), ...pickProblems(401, 403, 422) },
      }),
      async (c) => {
        const { queue } = c.req.valid('param');
        noteAudit(c, { target: `queue:${queue}` });
        if (action === 'pause') await runner.pause(queue);
        else await runner.resume(queue);
        const [status] = await queueStatuses(runner, queue);
        return c.json(status!, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/queues/{queue}/clean',
      summary: 'Remove completed or failed jobs that finished at least graceSeconds ago (at most limit, oldest first)',
      tags,
      security,
      middleware: [body] as const,
      request: { params: QueueParamsSchema, body: { required: true, content: { 'application/json': { schema: CleanQueueRequestSchema } } } },
      responses: { 200: { description: 'Removed', content: { 'application/json': { schema: CleanQueueResultSchema } } }, ...pickProblems(400, 401, 403, 413, 415, 422) },
    }),
    async (c) => {
      const { queue } = c.req.valid('param');
      const { state, graceSeconds, limit } = c.req.valid('json');
      noteAudit(c, { target: `queue:${queue}`, details: { state, graceSeconds, limit } });
      const ids = await runner.clean(queue, { state, olderThanMs: graceSeconds * 1000, limit });
      noteAudit(c, { details: { removed: ids.length } });
      return c.json({ queue, state, removed: ids.length, ids }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/workers',
      summary: 'Workers alive now (BullMQ: every process connected to Redis; in process: this runner)',
      tags,
      security,
      responses: { 200: { description: 'Workers', content: { 'application/json': { schema: WorkerListSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => c.json({ runner: runner.kind, workers: await runner.workers() }, 200),
  );

  return app;
}
