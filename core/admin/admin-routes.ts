import { OpenAPIHono } from '@hono/zod-openapi';
import { validationHook } from '../../shared/http/validation-hook.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { SigningKeyStore } from '../auth/signing-keys.ts';
import type { UserRepository } from '../auth/user-repository.ts';
import type { EventFeed } from '../feed/event-feed.ts';
import type { TrafficRates } from '../metrics/traffic-rates.ts';
import { feedRoutes, type FeedRouteDeps } from './feed-routes.ts';
import type { AdminEnv } from './admin-variables.ts';
import { auditRoutes } from './audit-routes.ts';
import { mountDashboard } from './dashboard-routes.ts';
import { indexRoutes } from './index-routes.ts';
import { jobRoutes } from './job-routes.ts';
import type { OperationsDeps } from './operations-deps.ts';
import { queueRoutes } from './queue-routes.ts';
import { statsRoutes } from './stats-routes.ts';
import { signingKeyRoutes } from './signing-key-routes.ts';
import type { UserDirectory } from './user-directory.ts';
import { userRoutes } from './user-routes.ts';

export interface AdminRouteDeps {
  users: UserRepository;
  directory: UserDirectory;
  tokens: { revokeAllForUser(userId: string): Promise<number> };
  keys: Pick<SigningKeyStore, 'list' | 'rotate'>;
  audit: Pick<AuditLog, 'query'>;
  feed: EventFeed;
  feedOptions?: Omit<FeedRouteDeps, 'feed'>;
  /** Jobs, queues and workers, index versions, stats and the BullMQ dashboard. */
  operations: OperationsDeps;
  /** Request/error rates and the edge cache hit ratio for /admin/stats (core/metrics/traffic-rates.ts). */
  traffic?: () => Promise<TrafficRates>;
  maxBodyBytes: number;
}

/**
 * The management API, mounted with `app.route('/admin', adminRoutes(deps))` on an app that runs
 * protectRoutes (authorisation + audit) before its routes. Users, audit log, signing keys, the
 * live feed, jobs, queues and workers, index versions, stats and the BullMQ dashboard.
 */
export function adminRoutes(deps: AdminRouteDeps) {
  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  app.route('/', userRoutes({ users: deps.users, directory: deps.directory, tokens: deps.tokens, maxBodyBytes: deps.maxBodyBytes }));
  app.route('/', auditRoutes({ audit: deps.audit }));
  app.route('/', signingKeyRoutes({ keys: deps.keys }));
  app.route('/', feedRoutes({ feed: deps.feed, ...deps.feedOptions }));
  app.route('/', jobRoutes({ ...deps.operations, maxBodyBytes: deps.maxBodyBytes }));
  app.route('/', queueRoutes({ runner: deps.operations.jobs.runner, maxBodyBytes: deps.maxBodyBytes }));
  app.route('/', indexRoutes(deps.operations));
  app.route('/', statsRoutes({ runner: deps.operations.jobs.runner, index: deps.operations.index, traffic: deps.traffic }));
  mountDashboard(app, { runner: deps.operations.jobs.runner });
  return app;
}
