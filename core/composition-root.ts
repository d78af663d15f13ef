import type { CoreApp } from './app.ts';
import { createAuditLog } from './audit/audit-log.ts';
import type { CoreConfig } from './config.ts';
import type { Logger } from './logger.ts';
import type { PasswordHashCost } from './auth/password-hash.ts';
import type { CoreMetrics } from './http/metrics.ts';
import { readIndexStats } from './jobs/index-stats.ts';
import { createAdvice } from './runtime/advice.ts';
import { createRuntimeMetrics } from './runtime/metrics.ts';
import { liveIndexReading } from './serving/live-index-reading.ts';
import { createClosers } from './runtime/closers.ts';
import { createHttpApp } from './runtime/http.ts';
import { createIdentity } from './runtime/identity.ts';
import { createIndexing, type Indexing } from './runtime/indexing.ts';
import type { RunMode } from './runtime/run-mode.ts';
import { createServing } from './runtime/serving.ts';
import { openStorage } from './runtime/storage.ts';
import { disabledTracing, type Tracing } from './tracing/tracing.ts';

export type { RunMode } from './runtime/run-mode.ts';

export interface CoreRuntime {
  app: CoreApp;
  /** The indexing job system (BullMQ with REDIS_URL, else in-process). */
  jobs: Indexing['jobs'];
  /** Resolves when no indexing job is waiting, delayed or running (worker mode without Redis exits then). */
  untilJobsIdle(): Promise<void>;
  /** Adapters in use, as reported by the startup log and /ready. */
  runtime: Record<string, string>;
  /** The process's one metrics registry and observers (served on /metrics; the worker serves it on WORKER_METRICS_PORT). */
  metrics: CoreMetrics;
  /**
   * Closes everything, newest first. `graceMs` bounds the wait for jobs in flight: after it, the
   * sandbox is stopped and the jobs are left to be retried (BullMQ: put back when their lock expires).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * The one composition root: opens the subsystems in order (storage → serving → identity →
 * indexing → advice), each choosing its adapters from the parsed config, and wires the HTTP app.
 * Embedded default: PGlite + local folder + in-process indexing.
 */
export async function createRuntime(
  config: CoreConfig,
  options: {
    logger: Logger;
    mode: RunMode;
    /** Test harnesses only: a cheaper scrypt cost for new password hashes (never from config or env). */
    passwordHashCost?: PasswordHashCost;
    /**
     * Traces (createTracing from the OTEL_* settings, made before the logger so log lines carry the
     * trace id); closed, and so flushed, with the runtime. Default: off.
     */
    tracing?: Tracing;
  },
): Promise<CoreRuntime> {
  const { logger, mode } = options;
  const tracing = options.tracing ?? disabledTracing;
  const serves = mode !== 'worker';
  const closers = createClosers();
  // Set by close(): the jobs closer reads its grace period.
  let closeOptions: { graceMs?: number | undefined } = {};
  // Closed last, so spans ended while closing are exported.
  closers.add(() => tracing.close());
  try {
    const storage = await openStorage(config, logger);
    closers.add(() => storage.close());
    const metrics = createRuntimeMetrics(config, { redis: storage.redis, logger });
    const serving = await createServing(config, {
      store: storage.store,
      redis: storage.redis,
      logger,
      observeSearch: metrics.index.observeSearch,
      observeSwap: metrics.index.observeSwap,
    });
    closers.add(() => serving.close());
    const runtime: Record<string, string> = { mode, ...storage.describe, ...serving.describe, generator: config.generator.kind };
    logger.info({ ...runtime, migrationsApplied: storage.migrationsApplied }, 'APFA core starting');

    const identity = await createIdentity(config, storage.sql, logger, { redis: storage.redis, passwordHashCost: options.passwordHashCost });
    const audit = createAuditLog(storage.sql);
    if (serves) {
      metrics.index.watchLive(() => liveIndexReading(serving.live));
      metrics.index.watchOutlook(() => readIndexStats(serving.repository));
      await serving.follow();
    }
    const indexing = await createIndexing(config, {
      mode,
      store: storage.store,
      redis: storage.redis,
      repository: serving.repository,
      embedders: serving.embedders,
      ...(serves ? { activate: serving.activate, live: serving.live } : {}),
      jobObserver: metrics.jobs.observer,
      tracing,
      logger,
    });
    closers.add(() => indexing.close({ graceMs: closeOptions.graceMs }));
    metrics.jobs.watchQueues({ counts: () => indexing.jobs.counts(), workers: () => indexing.jobs.runner.workers() });
    const advice = await createAdvice(config, { sql: storage.sql, audit, logger, serves, metrics });
    closers.add(() => advice.close());
    Object.assign(runtime, indexing.describe, advice.describe);

    const app = createHttpApp(config, { storage, serving, identity, indexing, advice, audit, metrics, tracing, logger, serves, describeRuntime: () => runtime });
    return {
      app,
      jobs: indexing.jobs,
      untilJobsIdle: indexing.whenIdle,
      runtime,
      metrics,
      close: (options = {}) => {
        closeOptions = options;
        return closers.close();
      },
    };
  } catch (error) {
    await closers.close();
    throw error;
  }
}
