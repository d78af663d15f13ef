import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../shared/errors/app-error.ts';
import type { LiveIndex } from '../advice/live-index.ts';
import type { CoreMetrics } from '../http/metrics.ts';
import { pickProblems } from '../../shared/http/problem-responses.ts';

export interface HealthRouteDeps {
  live: LiveIndex;
  metrics: CoreMetrics;
  /** What adapters this process is using, reported by /ready (never secrets). */
  describeRuntime: () => Record<string, string>;
}

const ReadySchema = z
  .object({
    status: z.literal('ready'),
    indexVersion: z.string(),
    documents: z.number().int(),
    embedder: z.string(),
    indexKind: z.string(),
    retrieval: z.string(),
    runtime: z.record(z.string(), z.string()),
  })
  .openapi('Readiness');

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
      tags: ['operations'],
      responses: { 200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } }, ...pickProblems(503) },
    }),
    (c) => {
      const serving = deps.live.current();
      if (!serving) throw new AppError('not-ready', { detail: 'No index is loaded yet.', headers: { 'Retry-After': '5' } });
      return c.json(
        {
          status: 'ready' as const,
          indexVersion: serving.loaded.manifest.version,
          documents: serving.loaded.documents.length,
          embedder: serving.embedder.id,
          indexKind: serving.loaded.index.kind,
          retrieval: serving.retriever.kind,
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
      const serving = deps.live.current();
      if (serving) {
        deps.metrics.indexVectors.set(serving.loaded.index.size);
        deps.metrics.indexMemoryBytes.set(serving.loaded.manifest.count * serving.loaded.manifest.dimension * 4);
      }
      const body = await deps.metrics.registry.metrics();
      return c.text(body, 200, { 'content-type': deps.metrics.registry.contentType });
    },
  );
  return app;
}
