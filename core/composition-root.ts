import { createCoreApp, type CoreApp } from './app.ts';
import { createAuditLog } from './audit/audit-log.ts';
import type { CoreConfig } from './config.ts';
import type { Logger } from './logger.ts';
import { createRedisNonceStore } from './http/signature-nonces.ts';
import { createAdvice } from './runtime/advice.ts';
import { createClosers } from './runtime/closers.ts';
import { createIdentity } from './runtime/identity.ts';
import { createIndexControl } from './admin/index-control.ts';
import { createIndexing, type Indexing } from './runtime/indexing.ts';
import type { RunMode } from './runtime/run-mode.ts';
import { createServing } from './runtime/serving.ts';
import { openStorage } from './runtime/storage.ts';

export type { RunMode } from './runtime/run-mode.ts';

export interface CoreRuntime {
  app: CoreApp;
  /** The indexing job system (BullMQ with REDIS_URL, else in-process). */
  jobs: Indexing['jobs'];
  /** Resolves when no indexing job is waiting, delayed or running (worker mode without Redis exits then). */
  untilJobsIdle(): Promise<void>;
  /** Adapters in use, as reported by the startup log and /ready. */
  runtime: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The one composition root: opens the subsystems in order (storage → serving → identity →
 * indexing → advice), each choosing its adapters from the parsed config, and wires the HTTP app.
 * Embedded default: PGlite + local folder + in-process indexing.
 */
export async function createRuntime(config: CoreConfig, options: { logger: Logger; mode: RunMode }): Promise<CoreRuntime> {
  const { logger, mode } = options;
  const serves = mode !== 'worker';
  const closers = createClosers();
  try {
    const storage = await openStorage(config, logger);
    closers.add(() => storage.close());
    const serving = await createServing(config, { store: storage.store, redis: storage.redis, logger });
    closers.add(() => serving.close());
    const runtime: Record<string, string> = { mode, ...storage.describe, ...serving.describe, generator: config.generator.kind };
    logger.info({ ...runtime, migrationsApplied: storage.migrationsApplied }, 'APFA core starting');

    const identity = await createIdentity(config, storage.sql, logger);
    const audit = createAuditLog(storage.sql);
    if (serves) await serving.follow();
    const indexing = await createIndexing(config, {
      mode,
      store: storage.store,
      redis: storage.redis,
      repository: serving.repository,
      embedders: serving.embedders,
      ...(serves ? { activate: serving.activate, live: serving.live } : {}),
      logger,
    });
    closers.add(() => indexing.close());
    const advice = await createAdvice(config, { sql: storage.sql, redis: storage.redis, audit, logger, serves });
    closers.add(() => advice.close());
    Object.assign(runtime, indexing.describe, advice.describe);

    const app = createCoreApp({
      logger,
      metrics: advice.metrics,
      live: serving.live,
      pipeline: advice.pipeline,
      tokens: identity.tokens,
      jwks: () => identity.keys.jwks(),
      verifier: identity.verifier,
      isUserActive: identity.isUserActive,
      edgeSignatureSecret: config.REQUIRE_EDGE_SIGNATURE ? config.EDGE_SHARED_SECRET : undefined,
      edgeSignatureNonces: storage.redis ? createRedisNonceStore(storage.redis, config.KEY_PREFIX) : undefined,
      describeRuntime: () => runtime,
      admin: {
        users: identity.users,
        directory: identity.directory,
        tokens: identity.tokens,
        keys: identity.keys,
        audit,
        history: advice.history,
        feed: indexing.feed,
        trustForwardedFor: config.TRUST_FORWARDED_FOR,
        operations: {
          jobs: indexing.jobs,
          sources: indexing.sources,
          uploads: indexing.uploads,
          index: createIndexControl({
            repository: serving.repository,
            announcer: indexing.jobs.announcer,
            activate: serves ? serving.activate : undefined,
            servingVersion: serving.servingVersion,
            publish: (event) => indexing.feed.publish(event),
            onPublishError: (error) => logger.warn({ err: error }, 'could not publish a feed event'),
          }),
        },
      },
    });
    return { app, jobs: indexing.jobs, untilJobsIdle: indexing.whenIdle, runtime, close: () => closers.close() };
  } catch (error) {
    await closers.close();
    throw error;
  }
}
