import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { Redis } from 'ioredis';
import { MAX_BODY_BYTES } from '../../../../shared/contracts/advice.ts';
import { createErrorHandler, notFoundHandler } from '../../../../shared/http/error-handler.ts';
import { validationHook } from '../../../../shared/http/validation-hook.ts';
import type { Role } from '../../../../shared/rbac/roles.ts';
import type { LiveIndex } from '../../../../core/advice/live-index.ts';
import { createActiveUserCheck } from '../../../../core/admin/active-user-check.ts';
import { createIndexControl } from '../../../../core/admin/index-control.ts';
import { adminRoutes } from '../../../../core/admin/admin-routes.ts';
import { protectRoutes } from '../../../../core/admin/protect-routes.ts';
import { createUserDirectory } from '../../../../core/admin/user-directory.ts';
import { createAuditLog, type AuditLog } from '../../../../core/audit/audit-log.ts';
import { createSigningKeyStore, type SigningKeyStore } from '../../../../core/auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService, type TokenService } from '../../../../core/auth/token-service.ts';
import { createUserRepository, type User, type UserRepository } from '../../../../core/auth/user-repository.ts';
import type { EventFeed } from '../../../../core/feed/event-feed.ts';
import type { FeedRouteDeps } from '../../../../core/admin/feed-routes.ts';
import { createMemoryEventFeed } from '../../../../core/feed/memory-event-feed.ts';
import { createAdviceHistory, type AdviceHistory } from '../../../../core/history/advice-history.ts';
import { historyRoutes } from '../../../../core/history/history-routes.ts';
import { requestId } from '../../../../core/http/request-id.ts';
import type { IndexRepository } from '../../../../core/indexing/index-repository.ts';
import type { JobSystem } from '../../../../core/jobs/create-job-system.ts';
import type { JobEvent } from '../../../../core/jobs/job-events.ts';
import { LocalFolderObjectStore } from '../../../../core/storage/local-folder-object-store.ts';
import { parseCoreConfig } from '../../../../core/config.ts';
import { createIndexing } from '../../../../core/runtime/indexing.ts';
import { createServing } from '../../../../core/runtime/serving.ts';
import { CORPUS, recordingEmbedders, removeRedisKeys, silentLogger } from '../../jobs/job-system-harness.ts';
import { authRoutes } from '../../../../core/routes/auth-routes.ts';
import { openMigrated, type OpenedDatabase, type SqlAdapter } from '../../storage/sql-adapters.ts';
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../../../core/auth/password-hash.ts';
import { createAccessRecheck } from '../../../../core/http/access-recheck.ts';

export interface HarnessOptions {
  feed?: EventFeed;
  feedOptions?: Omit<FeedRouteDeps, 'feed'>;
  redact?: (text: string) => string;
  now?: () => number;
  overlapSeconds?: number;
  /** Run the job system on BullMQ at this Redis (unique key prefix, removed on close); default in process. */
  redisUrl?: string;
  /** Take audit client IPs from X-Forwarded-For. */
  trustForwardedFor?: boolean;
}

/** The indexing side the operations routes drive: a real job system over a temporary folder and a copy of the corpus. */
export interface OperationsHarness {
  jobs: JobSystem;
  repository: IndexRepository;
  store: LocalFolderObjectStore;
  live: LiveIndex;
  /** Every job event, in order. */
  events: JobEvent[];
  /** Resolves with the first event matching after the ones seen so far. */
  waitFor(predicate: (event: JobEvent) => boolean, what: string, timeoutMs?: number): Promise<JobEvent>;
  /** Every embed call waits until the returned release is called (to hold embed-batch jobs active). */
  holdEmbedding(): () => void;
}

export interface SignedIn {
  user: User;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * The admin API wired the way createCoreApp wires it (error handler, request id, protectRoutes
 * before every route, auth + admin + history routes) on a real migrated database.
 */
export interface AdminHarness {
  app: OpenAPIHono<{ Variables: { requestId: string } }>;
  database: OpenedDatabase;
  users: UserRepository;
  keys: SigningKeyStore;
  tokens: TokenService;
  audit: AuditLog;
  history: AdviceHistory;
  feed: EventFeed;
  operations: OperationsHarness;
  /** Creates a user with the role and signs them in. */
  signIn(role: Role, username?: string): Promise<SignedIn>;
  close(): Promise<void>;
}

let counter = 0;

export async function createAdminHarness(adapter: SqlAdapter, options: HarnessOptions = {}): Promise<AdminHarness> {
  const database = await openMigrated(adapter);
  const { sql } = database;
  const now = options.now ?? Date.now;
  const users = createUserRepository(sql, { hashCost: TEST_ONLY_PASSWORD_HASH_COST });
  const keys = createSigningKeyStore(sql, { now, overlapSeconds: options.overlapSeconds ?? 3600, cacheSeconds: 0 });
  const tokens = createTokenService({ sql, keys, users, now, hashCost: TEST_ONLY_PASSWORD_HASH_COST });
  const verifier = createLocalAccessTokenVerifier(keys, { now });
  const audit = createAuditLog(sql);
  const history = createAdviceHistory({ sql, now, ...(options.redact ? { redact: options.redact } : {}) });
  const feed = options.feed ?? createMemoryEventFeed();
  const operations = await createOperations(feed, options.redisUrl);

  const app = new OpenAPIHono<{ Variables: { requestId: string } }>({ defaultHook: validationHook });
  app.onError(createErrorHandler());
  app.notFound(notFoundHandler);
  app.use('*', requestId());
  protectRoutes(app, { verifier, isUserActive: createActiveUserCheck(users), audit, trustForwardedFor: options.trustForwardedFor ?? false });
  app.route('/', authRoutes({ tokens, jwks: () => keys.jwks(), maxBodyBytes: MAX_BODY_BYTES }));
  app.route(
    '/admin',
    adminRoutes({
      users,
      directory: createUserDirectory(sql),
      tokens,
      keys,
      audit,
      feed,
      operations: operations.deps,
      maxBodyBytes: MAX_BODY_BYTES,
      feedOptions: { recheck: createAccessRecheck({ verifier, isUserActive: createActiveUserCheck(users) }), ...options.feedOptions },
    }),
  );
  app.route('/', historyRoutes({ history }));

  return {
    app,
    database,
    users,
    keys,
    tokens,
    audit,
    history,
    feed,
    operations: operations.harness,
    async signIn(role, username) {
      counter += 1;
      const name = username ?? `${role.replace('_', '-')}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
      const password = `password-of-${name}`;
      const user = await users.create({ username: name, password, role });
      const granted = await tokens.passwordGrant(name, password);
      return { user, password, accessToken: granted.access_token, refreshToken: granted.refresh_token };
    },
    async close() {
      await operations.close();
      await feed.close();
      await database.close();
    },
  };
}

/**
 * The indexing side composed from the composition root's own subsystem factories (serving and
 * indexing) over a temporary folder and a copy of the corpus: uploads join the corpus,
 * activation swaps the live index, events reach the feed. Only the build embedders (recorded,
 * holdable) and the job settings differ; no sync runs until a test asks for one.
 */
async function createOperations(feed: EventFeed, redisUrl: string | undefined) {
  const root = await mkdtemp(path.join(tmpdir(), 'apfa-admin-ops-'));
  const corpusPath = path.join(root, 'corpus.jsonl');
  await copyFile(CORPUS, corpusPath);
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const config = parseCoreConfig({
    APFA_DATA_DIR: root,
    CORPUS_PATH: corpusPath,
    KEY_PREFIX: prefix,
    EMBEDDER: 'lexical',
    JOB_SANDBOX: 'off',
    INDEX_POLL_SECONDS: '3600',
    // app.request() calls the routes directly: no edge in front to sign them.
    REQUIRE_EDGE_SIGNATURE: 'false',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const store = new LocalFolderObjectStore(path.join(root, 'objects'));
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1 }) : null;
  const serving = await createServing(config, { store, redis, logger: silentLogger });
  await serving.follow();
  const events: JobEvent[] = [];
  const listeners = new Set<() => void>();
  let held: Promise<void> | null = null;
  const { embedders } = recordingEmbedders(async () => {
    if (held) await held;
  });
  const indexing = await createIndexing(config, {
    mode: 'all',
    store,
    redis,
    repository: serving.repository,
    embedders: serving.embedders,
    activate: serving.activate,
    live: serving.live,
    logger: silentLogger,
    buildEmbedders: embedders,
    settings: { batchSize: 20, backoffMs: 50, lockDurationMs: 2000, stalledIntervalMs: 500, schedules: { resync: null, cleanup: null, stats: null } },
    feed,
    initialSync: false,
    onEvent: (event) => {
      events.push(event);
      for (const listener of listeners) listener();
    },
  });
  const { jobs } = indexing;
  const index = createIndexControl({
    repository: serving.repository,
    announcer: jobs.announcer,
    activate: serving.activate,
    servingVersion: serving.servingVersion,
    publish: (event) => feed.publish(event),
  });
  const waitFor = (predicate: (event: JobEvent) => boolean, what: string, timeoutMs = 30_000) =>
    new Promise<JobEvent>((resolve, reject) => {
      const from = events.length;
      const check = () => {
        const found = events.slice(from).find(predicate);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-6))}`));
      }, timeoutMs);
      listeners.add(check);
    });
  return {
    deps: { jobs, sources: indexing.sources, uploads: indexing.uploads, index },
    harness: {
      jobs,
      repository: serving.repository,
      store,
      live: serving.live,
      events,
      waitFor,
      holdEmbedding() {
        let release = () => {};
        held = new Promise<void>((resolve) => (release = resolve));
        return () => {
          held = null;
          release();
        };
      },
    } satisfies OperationsHarness,
    async close() {
      await jobs.close({ force: true }).catch(() => {});
      await indexing.close();
      await serving.close();
      redis?.disconnect();
      if (redisUrl) await removeRedisKeys(redisUrl, prefix);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Request helpers for app.request(). */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const jsonRequest = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export async function expectProblemShape(response: Response): Promise<{ status: number; code: string; type: string }> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('application/problem+json')) throw new Error(`expected problem+json, got ${response.status} ${contentType}: ${await response.text()}`);
  const body = (await response.json()) as { status: number; code: string; type: string };
  if (body.type !== `/problems/${body.code}` || body.status !== response.status) throw new Error(`malformed problem ${JSON.stringify(body)}`);
  return body;
}
