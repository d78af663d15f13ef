import { serve } from '@hono/node-server';
import { createFeedWebSocketServer } from './feed/feed-websocket-server.ts';
import { answerClientErrorsWithProblems } from './http/client-error-responder.ts';
import { parseCoreConfig } from './config.ts';
import { formatStartupSummary, resolveLogFormat } from './log-format.ts';
import { createLogger } from './logger.ts';
import { createRuntime, type RunMode } from './composition-root.ts';

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
  const logger = createLogger({ level: config.LOG_LEVEL, format: logFormat });
  const runtime = await createRuntime(config, { logger, mode });

  if (mode === 'worker' && !config.REDIS_URL) {
    await runtime.untilJobsIdle();
    await runtime.close();
    return;
  }
  if (mode === 'worker') {
    logger.info({ mode, jobs: runtime.runtime.jobs }, 'APFA worker running; SIGTERM finishes the jobs in flight');
    let stopping = false;
    const stopWorker = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'worker shutting down');
      void runtime.close().finally(() => process.exit(0));
    };
    process.on('SIGINT', () => stopWorker('SIGINT'));
    process.on('SIGTERM', () => stopWorker('SIGTERM'));
    return;
  }
  // /admin/ws: @hono/node-server hands WebSocket upgrades to this ws server (noServer mode).
  const server = serve({ fetch: runtime.app.fetch, port: config.PORT, hostname: config.HOST, websocket: { server: createFeedWebSocketServer() } }, (info) => {
    const url = `http://${config.HOST}:${info.port}`;
    logger.info({ port: info.port, host: config.HOST, mode }, `APFA core listening on ${url}`);
    // A person at a terminal gets what is in use and where, in a few aligned lines.
    if (logFormat === 'pretty') process.stdout.write(`${formatStartupSummary(runtime.runtime, url)}\n`);
  });
  // Requests Node's parser refuses (Content-Length shorter than the body, …) get problem+json too.
  answerClientErrorsWithProblems(server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void runtime.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
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
