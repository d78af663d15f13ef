import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { trackForDrain } from './http/drain-server.ts';
import { createWorkerStatusApp } from './http/worker-status-app.ts';
import { createFeedWebSocketServer } from './feed/feed-websocket-server.ts';
import { answerClientErrorsWithProblems } from './http/client-error-responder.ts';
import { parseCoreConfig } from './config.ts';
import { formatStartupSummary, resolveLogFormat } from './log-format.ts';
import { createLogger } from './logger.ts';
import { createRuntime, type RunMode } from './composition-root.ts';
import { createTracing } from './tracing/create-tracing.ts';

/**
 * Process entry: `tsx core/main.ts [all|api|worker]`.
 * - all (default, `npm start`): API + in-process indexing on the embedded default.
 * - api: serves HTTP; loads the latest index version and follows new ones.
 * - worker: runs the indexing jobs. With REDIS_URL (BullMQ) it stays up, runs scheduled jobs and
 *   finishes the jobs in flight on SIGTERM; without Redis it syncs the corpus once and exits.
 */
async function main(): Promise<void> {
  const mode = parseMode(process.argv[2]);
  let config;
  try {
    config = parseCoreConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logFormat = resolveLogFormat(config.LOG_FORMAT, process.stdout.isTTY === true);
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; then log lines carry the current trace_id.
  const tracing = createTracing(config, { serviceName: mode === 'worker' ? 'apfa-worker' : 'apfa-core' });
  const logger = createLogger({ level: config.LOG_LEVEL, format: logFormat, ...(tracing.enabled ? { contextFields: () => tracing.logFields() } : {}) });
  const runtime = await createRuntime(config, { logger, mode, tracing });

  if (mode === 'worker' && !config.REDIS_URL) {
    await runtime.untilJobsIdle();
    await runtime.close();
    return;
  }
  const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
  // Should closing hang past the grace period, the process still ends (a non-zero code says it did not stop cleanly).
  const exitAfterGrace = () => setTimeout(() => process.exit(1), graceMs + 10_000).unref();
  if (mode === 'worker') {
    // The worker's own /metrics and /health, so Prometheus scrapes it like the API.
    const status = serve({ fetch: createWorkerStatusApp({ registry: runtime.metrics.registry }).fetch, port: config.WORKER_METRICS_PORT, hostname: config.HOST }, (info) =>
      logger.info({ port: info.port, host: config.HOST }, `APFA worker metrics on http://${config.HOST}:${info.port}/metrics`),
    );
    const drainStatus = trackForDrain(status as Server);
    logger.info({ mode, jobs: runtime.runtime.jobs }, 'APFA worker running; SIGTERM finishes the jobs in flight');
    let stopping = false;
    const stopWorker = (signal: string) => {
      if (stopping) return;
      stopping = true;
      exitAfterGrace();
      logger.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'worker shutting down: taking no new jobs, finishing those in flight');
      void (async () => {
        await runtime.close({ graceMs });
        await drainStatus(1000);
        logger.info('worker stopped');
        process.exit(0);
      })();
    };
    process.on('SIGINT', () => stopWorker('SIGINT'));
    process.on('SIGTERM', () => stopWorker('SIGTERM'));
    return;
  }
  // /admin/ws: @hono/node-server hands WebSocket upgrades to this ws server (noServer mode).
  const feedSockets = createFeedWebSocketServer();
  const server = serve({ fetch: runtime.app.fetch, port: config.PORT, hostname: config.HOST, websocket: { server: feedSockets } }, (info) => {
    const url = `http://${config.HOST}:${info.port}`;
    logger.info({ port: info.port, host: config.HOST, mode }, `APFA core listening on ${url}`);
    // A person at a terminal gets what is in use and where, in a few aligned lines.
    if (logFormat === 'pretty') process.stdout.write(`${formatStartupSummary(runtime.runtime, url)}\n`);
  });
  const drain = trackForDrain(server as Server);
  // Requests Node's parser refuses (Content-Length shorter than the body, …) get problem+json too.
  answerClientErrorsWithProblems(server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    exitAfterGrace();
    const deadline = Date.now() + graceMs;
    logger.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'shutting down: accepting no new connections, finishing the requests in flight');
    void (async () => {
      for (const socket of feedSockets.clients) socket.close(1001, 'server shutting down');
      const drained = await drain(graceMs);
      if (!drained) logger.warn({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'requests still running after SHUTDOWN_GRACE_SECONDS were cut');
      await runtime.close({ graceMs: Math.max(1000, deadline - Date.now()) });
      logger.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function parseMode(value: string | undefined): RunMode {
  if (value === undefined || value === 'all') return 'all';
  if (value === 'api' || value === 'worker') return value;
  process.stderr.write(`Unknown mode "${value}". Use all, api or worker.\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`APFA core failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
