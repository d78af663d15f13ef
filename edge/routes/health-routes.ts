import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('EdgeHealth');

/** Liveness of the Worker itself (touches neither Redis nor core). */
export function healthRoutes() {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      summary: 'Liveness: the edge is up',
      tags: ['operations'],
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  return app;
}
