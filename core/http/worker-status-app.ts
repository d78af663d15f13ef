import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/**
 * The worker process's own HTTP surface on WORKER_METRICS_PORT, so Prometheus scrapes workers
 * like the API: `GET /metrics` (this process's registry: the job metrics and Node process
 * metrics) and `GET /health` (liveness: the process is up).
 */
export function createWorkerStatusApp(options: { registry: Registry }): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' as const }, 200));
  app.get('/metrics', async (c) => c.text(await options.registry.metrics(), 200, { 'content-type': options.registry.contentType }));
  return app;
}
