import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleFor } from '../../../core/http/route-permissions.ts';
import { hasPermission, ROLES, type Role } from '../../../shared/rbac/roles.ts';
import { startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../../support/start-core.ts';

type RouteKey = { method: string; path: string };

/**
 * Every route registered on the full core app (built by the composition root) × every role,
 * checked against the route table and shared/rbac's permission table. A route added without a
 * rule fails here; so does a rule that lets a role in that the permission table keeps out.
 */
describe('route × role matrix on the full core app', () => {
  let core: StartedCore;
  const tokens = new Map<Role, string>();
  let routes: RouteKey[] = [];

  const request = (path: string, init?: RequestInit) => core.runtime.app.request(path, init);
  const tokenFor = async (username: string, password: string) => {
    const response = await request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    core = await startCore();
    const root = await tokenFor('admin', TEST_ADMIN_PASSWORD);
    tokens.set('super_admin', root);
    for (const role of ROLES.filter((name) => name !== 'super_admin')) {
      const username = `matrix-${role.replace('_', '-')}`;
      const password = `matrix-password-${role}`;
      const created = await request('/admin/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${root}` },
        body: JSON.stringify({ username, password, role }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      tokens.set(role, await tokenFor(username, password));
    }
    const seen = new Set<string>();
    for (const route of core.runtime.app.routes) {
      if (route.method === 'ALL') continue;
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push({ method: route.method, path: route.path });
    }
    routes = routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
  });
  afterAll(async () => core?.stop());

  /** A concrete URL for a route pattern: params become a random UUID, wildcards a segment. */
  const concrete = (path: string) => path.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, randomUUID()).replace(/\*/g, 'x');

  const call = async (route: RouteKey, token: string | undefined) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await request(concrete(route.path), { method: route.method, headers });
    const status = response.status;
    await response.body?.cancel();
    return status;
  };

  it('registers the admin API and every route has a permission rule; every admin mutation is audited', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(keys).toEqual(expect.arrayContaining(['GET /admin/users', 'POST /admin/users', 'GET /admin/audit', 'GET /admin/ws', 'GET /admin/events', 'GET /v1/advice/history']));
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /admin/jobs',
        'POST /admin/jobs/sync',
        'GET /admin/jobs/:queue/:id',
        'POST /admin/jobs/:queue/:id/cancel',
        'POST /admin/jobs/:queue/:id/retry',
        'POST /admin/documents',
        'GET /admin/queues',
        'POST /admin/queues/:queue/clean',
        'GET /admin/workers',
        'GET /admin/index',
        'GET /admin/index/versions',
        'POST /admin/index/build',
        'POST /admin/index/versions/:version/activate',
        'DELETE /admin/index/versions/:version',
        'GET /admin/stats',
        'GET /admin/dashboard',
        'PUT /admin/dashboard/*',
      ]),
    );
    const missing = routes.filter((route) => ruleFor(route.method, route.path) === undefined).map((route) => `${route.method} ${route.path}`);
    expect(missing, 'routes without a rule in core/http/route-permissions.ts').toEqual([]);
    const unaudited = routes
      .filter((route) => route.path.startsWith('/admin/') && route.method !== 'GET')
      .filter((route) => {
        const rule = ruleFor(route.method, route.path);
        return rule?.access !== 'permission' || rule.audit === undefined;
      })
      .map((route) => `${route.method} ${route.path}`);
    expect(unaudited, 'admin mutations without an audit action').toEqual([]);
  });

  it('allows and denies every route for every role exactly as the permission table says', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const rule = ruleFor(route.method, route.path);
      if (!rule) continue;
      const label = `${route.method} ${route.path}`;
      const anonymous = await call(route, undefined);
      // The console's cookie routes pass the bearer check (public); their credential is the session cookie, and their
      // CSRF guard refuses any request without the console header: 403 (test/console/console-browser.test.ts covers them).
      if (route.path.startsWith('/v1/auth/console/')) {
        if (anonymous !== 403) mismatches.push(`${label} anonymous → ${anonymous} (console CSRF guard)`);
        continue;
      }
      if (rule.access === 'public') {
        if (anonymous === 401 || anonymous === 403) mismatches.push(`${label} anonymous → ${anonymous} (public)`);
        continue;
      }
      if (anonymous !== 401) mismatches.push(`${label} anonymous → ${anonymous} (want 401)`);
      for (const role of ROLES) {
        const status = await call(route, tokens.get(role));
        const allowed = hasPermission(role, rule.permission);
        if (allowed && (status === 401 || status === 403)) mismatches.push(`${label} ${role} → ${status} (want allowed: ${rule.permission})`);
        // Allowed callers with these empty or random inputs must get a problem (4xx), never an internal error.
        if (allowed && status === 500) mismatches.push(`${label} ${role} → 500 (bad input must be a 4xx problem)`);
        if (!allowed && status !== 403) mismatches.push(`${label} ${role} → ${status} (want 403: lacks ${rule.permission})`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });
});
