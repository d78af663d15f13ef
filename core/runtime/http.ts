import { createIndexControl } from '../admin/index-control.ts';
import { createCoreApp, type CoreApp } from '../app.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CoreConfig } from '../config.ts';
import type { CoreMetrics } from '../http/metrics.ts';
import { createRedisNonceStore } from '../http/signature-nonces.ts';
import type { Logger } from '../logger.ts';
import type { Tracing } from '../tracing/tracing.ts';
import type { Advice } from './advice.ts';
import type { Identity } from './identity.ts';
import type { Indexing } from './indexing.ts';
import type { Serving } from './serving.ts';
import type { Storage } from './storage.ts';

type HttpConfig = Pick<CoreConfig, 'REQUIRE_EDGE_SIGNATURE' | 'EDGE_SHARED_SECRET' | 'KEY_PREFIX' | 'TRUST_FORWARDED_FOR'>;

/** What the HTTP app is built over: the subsystems the composition root opened. */
export interface HttpDependencies {
  storage: Storage;
  serving: Serving;
  identity: Identity;
  indexing: Indexing;
  advice: Advice;
  audit: AuditLog;
  metrics: CoreMetrics;
  tracing: Tracing;
  logger: Logger;
  /** Whether this process answers (worker mode activates nothing here). */
  serves: boolean;
  /** Adapters in use, for /admin/runtime. */
  describeRuntime: () => Record<string, string>;
}

/** Core's HTTP app over the subsystems: public, advice, auth, admin (with index control) and history routes. */
export function createHttpApp(config: HttpConfig, dependencies: HttpDependencies): CoreApp {
  const { storage, serving, identity, indexing, advice, logger } = dependencies;
  return createCoreApp({
    logger,
    metrics: dependencies.metrics,
    tracing: dependencies.tracing,
    live: serving.live,
    pipeline: advice.pipeline,
    tokens: identity.tokens,
    jwks: () => identity.keys.jwks(),
    verifier: identity.verifier,
    isUserActive: identity.isUserActive,
    edgeSignatureSecret: config.REQUIRE_EDGE_SIGNATURE ? config.EDGE_SHARED_SECRET : undefined,
    edgeSignatureNonces: storage.redis ? createRedisNonceStore(storage.redis, config.KEY_PREFIX) : undefined,
    describeRuntime: dependencies.describeRuntime,
    admin: {
      users: identity.users,
      directory: identity.directory,
      tokens: identity.tokens,
      keys: identity.keys,
      audit: dependencies.audit,
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
          activate: dependencies.serves ? serving.activate : undefined,
          servingVersion: serving.servingVersion,
          publish: (event) => indexing.feed.publish(event),
          onPublishError: (error) => logger.warn({ err: error }, 'could not publish a feed event'),
          segments: serving.segmented ? { store: storage.store } : undefined,
        }),
      },
    },
  });
}
