import type { Permission } from '../../shared/rbac/roles.ts';
import { DASHBOARD_COOKIE } from './console-dashboard-cookie.ts';

/** A route anyone may call (health, token, keys, docs). */
export interface PublicRule {
  access: 'public';
}

/** A route that needs a valid access token whose role holds `permission`. */
export interface PermissionRule {
  access: 'permission';
  permission: Permission;
  /** Audit action written for every call (success, denied or failed): set on every mutation. */
  audit?: string;
  /** WebSocket upgrade: the token may also come as a `bearer.<jwt>` Sec-WebSocket-Protocol entry (browsers cannot set headers). */
  websocket?: boolean;
  /**
   * A cookie that may carry the access token when there is no Authorization header (the
   * dashboard cookie the console mints), accepted only from this site's own pages
   * (core/http/console-dashboard-cookie.ts).
   */
  cookie?: string;
}

export type RouteRule = PublicRule | PermissionRule;

const PUBLIC: PublicRule = { access: 'public' };
const need = (permission: Permission, extra: Omit<PermissionRule, 'access' | 'permission'> = {}): PermissionRule => ({
  access: 'permission',
  permission,
  ...extra,
});

/**
 * Every route of core, keyed `METHOD path` with Hono's path syntax (`:id`), and what it needs.
 * The one authorisation middleware (core/http/authorize-route.ts) reads this table, and
 * test/core/admin/route-role-matrix.test.ts fails for any registered route missing from it.
 * A key ending in `/*` covers every path under that prefix (mounted third-party apps).
 */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  'GET /health': PUBLIC,
  'GET /ready': PUBLIC,
  // Prometheus scrapes without a token; keep core's port off the public network.
  'GET /metrics': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /docs': PUBLIC,
  'GET /docs/assets/init.js': PUBLIC,
  'GET /docs/assets/:file': PUBLIC,
  'GET /.well-known/jwks.json': PUBLIC,
  'POST /v1/auth/token': PUBLIC,
  // The console: its page and files, and its cookie session (the cookie is the credential; CSRF-guarded).
  'GET /console': PUBLIC,
  'GET /console/assets/roles.js': PUBLIC,
  'GET /console/assets/vendor/:file': PUBLIC,
  'GET /console/assets/:file': PUBLIC,
  'GET /console/assets/pages/:file': PUBLIC,
  'POST /v1/auth/console/session': PUBLIC,
  'POST /v1/auth/console/refresh': PUBLIC,
  'POST /v1/auth/console/logout': PUBLIC,

  'POST /v1/advice': need('advice:generate'),
  'POST /v1/advice/stream': need('advice:generate'),
  'GET /v1/advice/history': need('advice:view_history'),

  'GET /admin/users': need('admin:users:manage'),
  'POST /admin/users': need('admin:users:manage', { audit: 'user.create' }),
  'GET /admin/users/:id': need('admin:users:manage'),
  'PATCH /admin/users/:id/role': need('admin:users:manage', { audit: 'user.role.change' }),
  'POST /admin/users/:id/disable': need('admin:users:manage', { audit: 'user.disable' }),
  'POST /admin/users/:id/enable': need('admin:users:manage', { audit: 'user.enable' }),
  'POST /admin/users/:id/password': need('admin:users:manage', { audit: 'user.password.reset' }),

  'GET /admin/audit': need('admin:audit:view'),

  // Signing keys are credentials administration: super_admin only, like users.
  'GET /admin/signing-keys': need('admin:users:manage'),
  'POST /admin/signing-keys/rotate': need('admin:users:manage', { audit: 'signing-key.rotate' }),

  'GET /admin/ws': need('admin:jobs:view', { websocket: true }),
  'GET /admin/events': need('admin:jobs:view'),

  'GET /admin/jobs': need('admin:jobs:view'),
  'POST /admin/jobs/sync': need('admin:jobs:manage', { audit: 'job.sync' }),
  'GET /admin/jobs/:queue/:id': need('admin:jobs:view'),
  'POST /admin/jobs/:queue/:id/cancel': need('admin:jobs:manage', { audit: 'job.cancel' }),
  'POST /admin/jobs/:queue/:id/retry': need('admin:jobs:manage', { audit: 'job.retry' }),
  // Uploads change what the index answers from: index management, like building and activating.
  'POST /admin/documents': need('admin:index:manage', { audit: 'document.upload' }),
  'DELETE /admin/documents/:id': need('admin:index:manage', { audit: 'document.delete' }),
  'POST /admin/documents/delete': need('admin:index:manage', { audit: 'document.delete' }),

  'GET /admin/queues': need('admin:jobs:view'),
  'POST /admin/queues/:queue/pause': need('admin:jobs:manage', { audit: 'queue.pause' }),
  'POST /admin/queues/:queue/resume': need('admin:jobs:manage', { audit: 'queue.resume' }),
  'POST /admin/queues/:queue/clean': need('admin:jobs:manage', { audit: 'queue.clean' }),
  'GET /admin/workers': need('admin:jobs:view'),

  'GET /admin/index': need('admin:jobs:view'),
  'GET /admin/index/versions': need('admin:jobs:view'),
  'POST /admin/index/build': need('admin:index:manage', { audit: 'index.build' }),
  'POST /admin/index/versions/:version/activate': need('admin:index:manage', { audit: 'index.activate' }),
  'DELETE /admin/index/versions/:version': need('admin:index:manage', { audit: 'index.version.delete' }),

  'GET /admin/stats': need('admin:metrics:view'),
  // Paths and adapters in use: what /ready showed publicly before.
  'GET /admin/runtime': need('admin:metrics:view'),

  // The BullMQ dashboard (bull-board's page, assets and JSON API): its actions (retry, clean,
  // pause, remove …) are job management, so viewing it needs that too; changes are audited.
  // A browser opened from the console authenticates with the dashboard cookie minted below.
  'GET /admin/dashboard/*': need('admin:jobs:manage', { cookie: DASHBOARD_COOKIE }),
  'POST /admin/dashboard/*': need('admin:jobs:manage', { audit: 'dashboard.action', cookie: DASHBOARD_COOKIE }),
  'PUT /admin/dashboard/*': need('admin:jobs:manage', { audit: 'dashboard.action', cookie: DASHBOARD_COOKIE }),
  'PATCH /admin/dashboard/*': need('admin:jobs:manage', { audit: 'dashboard.action', cookie: DASHBOARD_COOKIE }),
  'DELETE /admin/dashboard/*': need('admin:jobs:manage', { audit: 'dashboard.action', cookie: DASHBOARD_COOKIE }),
  'POST /admin/dashboard-access': need('admin:jobs:manage', { audit: 'dashboard.access' }),
};

/** The rule for a registered route (method upper-case, Hono path), or undefined when it has none. */
export function ruleFor(method: string, path: string, rules: Readonly<Record<string, RouteRule>> = ROUTE_RULES): RouteRule | undefined {
  const upper = method.toUpperCase();
  const exact = rules[`${upper} ${path}`];
  if (exact) return exact;
  let best: { length: number; rule: RouteRule } | undefined;
  for (const [key, rule] of Object.entries(rules)) {
    if (!key.endsWith('/*')) continue;
    const space = key.indexOf(' ');
    const keyMethod = key.slice(0, space);
    const prefix = key.slice(space + 1, -1);
    if ((keyMethod === upper || keyMethod === 'ALL') && (path.startsWith(prefix) || `${path}/` === prefix)) {
      if (!best || prefix.length > best.length) best = { length: prefix.length, rule };
    }
  }
  return best?.rule;
}
