import { OpenAPIHono } from '@hono/zod-openapi';
import { MAX_BODY_BYTES } from '../../../../shared/contracts/advice.ts';
import { createErrorHandler, notFoundHandler } from '../../../../shared/http/error-handler.ts';
import { validationHook } from '../../../../shared/http/validation-hook.ts';
import type { Role } from '../../../../shared/rbac/roles.ts';
import { createActiveUserCheck } from '../../../../core/admin/active-user-check.ts';
import { adminRoutes } from '../../../../core/admin/admin-routes.ts';
import { protectRoutes } from '../../../../core/admin/protect-routes.ts';
import { createUserDirectory } from '../../../../core/admin/user-directory.ts';
import { createAuditLog, type AuditLog } from '../../../../core/audit/audit-log.ts';
import { createSigningKeyStore, type SigningKeyStore } from '../../../../core/auth/signing-keys.ts';
import { createLocalAccessTokenVerifier, createTokenService, type TokenService } from '../../../../core/auth/token-service.ts';
import { createUserRepository, type User, type UserRepository } from '../../../../core/auth/user-repository.ts';
import type { EventFeed } from '../../../../core/feed/event-feed.ts';
import type { FeedRouteDeps } from '../../../../core/feed/feed-routes.ts';
import { createMemoryEventFeed } from '../../../../core/feed/memory-event-feed.ts';
import { createAdviceHistory, type AdviceHistory } from '../../../../core/history/advice-history.ts';
import { historyRoutes } from '../../../../core/history/history-routes.ts';
import { requestId } from '../../../../core/http/request-id.ts';
import { authRoutes } from '../../../../core/routes/auth-routes.ts';
import { openMigrated, type OpenedDatabase, type SqlAdapter } from '../../storage/sql-adapters.ts';

export interface HarnessOptions {
  feed?: EventFeed;
  feedOptions?: Omit<FeedRouteDeps, 'feed'>;
  redact?: (text: string) => string;
  now?: () => number;
  overlapSeconds?: number;
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
  /** Creates a user with the role and signs them in. */
  signIn(role: Role, username?: string): Promise<SignedIn>;
  close(): Promise<void>;
}

let counter = 0;

export async function createAdminHarness(adapter: SqlAdapter, options: HarnessOptions = {}): Promise<AdminHarness> {
  const database = await openMigrated(adapter);
  const { sql } = database;
  const now = options.now ?? Date.now;
  const users = createUserRepository(sql);
  const keys = createSigningKeyStore(sql, { now, overlapSeconds: options.overlapSeconds ?? 3600, cacheSeconds: 0 });
  const tokens = createTokenService({ sql, keys, users, now });
  const verifier = createLocalAccessTokenVerifier(keys, { now });
  const audit = createAuditLog(sql);
  const history = createAdviceHistory({ sql, now, ...(options.redact ? { redact: options.redact } : {}) });
  const feed = options.feed ?? createMemoryEventFeed();

  const app = new OpenAPIHono<{ Variables: { requestId: string } }>({ defaultHook: validationHook });
  app.onError(createErrorHandler());
  app.notFound(notFoundHandler);
  app.use('*', requestId());
  protectRoutes(app, { verifier, isUserActive: createActiveUserCheck(users), audit });
  app.route('/', authRoutes({ tokens, jwks: () => keys.jwks(), maxBodyBytes: MAX_BODY_BYTES }));
  app.route(
    '/admin',
    adminRoutes({ users, directory: createUserDirectory(sql), tokens, keys, audit, feed, maxBodyBytes: MAX_BODY_BYTES, ...(options.feedOptions ? { feedOptions: options.feedOptions } : {}) }),
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
    async signIn(role, username) {
      counter += 1;
      const name = username ?? `${role.replace('_', '-')}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
      const password = `password-of-${name}`;
      const user = await users.create({ username: name, password, role });
      const granted = await tokens.passwordGrant(name, password);
      return { user, password, accessToken: granted.access_token, refreshToken: granted.refresh_token };
    },
    async close() {
      await feed.close();
      await database.close();
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
