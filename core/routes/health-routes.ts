import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../shared/errors/app-error.ts';
import type { LiveIndex } from '../advice/live-index.ts';
import type { CoreMetrics } from '../http/metrics.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';

export interface HealthRouteDeps {
  live: LiveIndex;
  metrics: CoreMetrics;
  /** What adapters this process is using, reported by GET /admin/runtime (never secrets). */
  describeRuntime: () => Record<string, string>;
}

const ReadySchema = z
  .object({
    status: z.literal('ready'),
    indexVersion: z.string().openapi({ description: 'The index version answering questions.' }),
  })
  .openapi('Readiness');

const RuntimeDescriptionSchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    indexVersion: z.string().nullable(),
    documents: z.number().int().nullable(),
    embedder: z.string().nullable(),
    indexKind: z.string().nullable(),
    retrieval: z.string().nullable(),
    runtime: z.record(z.string(), z.string()).openapi({ description: 'Adapters in use (database, object store, job runner, embedder, generator, paths); never secrets.' }),
  })
  .openapi('RuntimeDescription');

export function healthRoutes(deps: HealthRouteDeps) {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      summary: 'Liveness: the process is up',
      tags: ['operations'],
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ready',
      summary: 'Readiness: an index is loaded and queries can be answered',
      description: 'Public: says only whether core is ready and which index version answers. What core runs on is at `GET /admin/runtime`.',
      tags: ['operations'],
      responses: { 200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } }, ...pickProblems(503) },
    }),
    (c) => {
      const serving = deps.live.current();
      if (!serving) throw new AppError('not-ready', { detail: 'No index is loaded yet.', headers: { 'Retry-After': '5' } });
      return c.json({ status: 'ready' as const, indexVersion: serving.loaded.manifest.version }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/admin/runtime',
      summary: 'What this core process runs on: index, embedder, retrieval and the adapters in use',
      description: 'Needs `admin:metrics:view`. Shows storage paths and adapter descriptions (never secrets), so it is not public.',
      tags: ['admin: stats'],
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: 'Runtime description', content: { 'application/json': { schema: RuntimeDescriptionSchema } } }, ...pickProblems(401, 403) },
    }),
    (c) => {
      const serving = deps.live.current();
      return c.json(
        {
          status: serving ? ('ready' as const) : ('not-ready' as const),
          indexVersion: serving?.loaded.manifest.version ?? null,
          documents: serving?.loaded.documents.length ?? null,
          embedder: serving?.embedder.id ?? null,
          indexKind: serving?.loaded.index.kind ?? null,
          retrieval: serving?.retriever.kind ?? null,
          runtime: deps.describeRuntime(),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      responses: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => {
      // The live index's gauges are read by their collectors (core/metrics/index-metrics.ts).
      const body = await deps.metrics.registry.metrics();
      return c.text(body, 200, { 'content-type': deps.metrics.registry.contentType });
    },
  );
  return app;
}
