import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import { numericCounts } from '../jobs/queue-depth-reporter.ts';
import { QUEUE_NAMES } from '../jobs/queue-topology.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import type { JobAdministration } from '../ports/job-admin.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';
import type { AdminEnv } from './admin-variables.ts';
import type { TrafficRates } from '../metrics/traffic-rates.ts';
import type { IndexControl } from './index-control.ts';
import { AdminStatsSchema } from './operations-schemas.ts';

const UNFINISHED = ['waiting', 'waiting-children', 'prioritized', 'delayed', 'active'] as const;

/**
 * The dashboard numbers: vectors, index memory, queue depths, migration urgency and days to the
 * 500k threshold; with `traffic` (core/metrics/traffic-rates.ts), request and error rates and the
 * edge cache hit ratio over the last minute.
 */
export function statsRoutes(deps: { runner: JobAdministration; index: IndexControl; traffic?: (() => Promise<TrafficRates>) | undefined }) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/stats',
      summary: 'Vector count, index memory, queue depths, the migration-urgency score, days until the critical threshold at the current growth rate, and request/error rates and the edge cache hit ratio',
      tags: ['admin: stats'],
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: 'Stats', content: { 'application/json': { schema: AdminStatsSchema } } }, ...pickProblems(401, 403) },
    }),
    async (c) => {
      const [stats, counts, traffic] = await Promise.all([deps.index.stats(), deps.runner.counts(), deps.traffic ? deps.traffic() : null]);
      const queues = Object.fromEntries(QUEUE_NAMES.map((queue) => [queue, numericCounts(counts[queue])])) as Record<QueueName, Record<string, number>>;
      const depth = Object.fromEntries(
        QUEUE_NAMES.map((queue) => [queue, UNFINISHED.reduce((sum, state) => sum + (counts[queue][state] ?? 0), 0)]),
      ) as Record<QueueName, number>;
      return c.json({ ...stats, serving: deps.index.servingVersion(), queues, depth, traffic }, 200);
    },
  );
  return app;
}
