import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AUDIT_TARGET_LENGTH, routeTarget } from '../../../core/audit/audit-target.ts';
import { ROUTE_RULES } from '../../../core/http/route-permissions.ts';
import { bearer, createAdminHarness, type AdminHarness, type SignedIn } from '../admin/support/admin-harness.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';

/** Every audited route of the route table, so a new audited route is covered without editing this file. */
const AUDITED = Object.entries(ROUTE_RULES)
  .filter(([, rule]) => rule.access === 'permission' && rule.audit !== undefined)
  .map(([key]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { method, pattern };
  });

const JUNK = 'A'.repeat(15_000);
const UUID = '00000000-0000-4000-8000-000000000000';

/** The pattern with every parameter (and a wildcard tail) replaced by `value`. */
const fill = (pattern: string, value: string) => pattern.replace(/:[A-Za-z]+/g, value).replace(/\*$/, value);

describe.each(sqlAdapters)('audit log bounds on $name', (adapter) => {
  let harness: AdminHarness;
  let root: SignedIn;
  const rowCount = async () => {
    const { rows } = await harness.database.sql.query<{ count: string }>('SELECT count(*)::text AS count FROM audit_log');
    return Number(rows[0]!.count);
  };

  beforeAll(async () => {
    harness = await createAdminHarness(adapter);
    root = await harness.signIn('super_admin');
  });
  afterAll(async () => harness?.close());

  it('covers every audited route of the table', () => {
    expect(AUDITED.length).toBeGreaterThan(15);
  });

  it('writes no row for any audited route called without a verified token (none, junk, or 100 in a row)', async () => {
    const before = await rowCount();
    for (const { method, pattern } of AUDITED) {
      const path = fill(pattern, pattern.endsWith('*') ? 'api/x' : UUID);
      for (const headers of [{}, bearer('junk'), bearer(`${JUNK}.${JUNK}.${JUNK}`)]) {
        const response = await harness.app.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
        expect(response.status, `${method} ${path}`).toBe(401);
      }
    }
    const flood = await Promise.all(
      Array.from({ length: 100 }, () => harness.app.request(`/admin/users/${JUNK}/disable`, { method: 'POST', headers: bearer('junk') })),
    );
    expect(flood.every((response) => response.status === 401)).toBe(true);
    expect(await rowCount()).toBe(before);
  });

  it('never stores a client-supplied path parameter that is not an identifier: every audited route, as a caller with a token', async () => {
    const before = await rowCount();
    const parameterised = AUDITED.filter(({ pattern }) => pattern.includes(':') || pattern.endsWith('*'));
    expect(parameterised.length).toBeGreaterThan(8);
    for (const value of [JUNK, '<script>alert(1)</script>', '..%2F..%2Fetc%2Fpasswd', 'ok-id.1%00']) {
      for (const { method, pattern } of parameterised) {
        const path = fill(pattern, encodeURIComponent(value));
        const response = await harness.app.request(path, { method, headers: { 'content-type': 'application/json', ...bearer(root.accessToken) }, body: '{}' });
        expect(response.status, `${method} ${path.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
      }
    }
    const { rows } = await harness.database.sql.query<{ target: string | null; row: string }>(
      'SELECT target, row_to_json(audit_log)::text AS row FROM audit_log ORDER BY id OFFSET $1',
      [before],
    );
    expect(rows.length).toBeGreaterThanOrEqual(parameterised.length * 4);
    for (const { target, row } of rows) {
      expect(target?.length ?? 0).toBeLessThanOrEqual(MAX_AUDIT_TARGET_LENGTH);
      expect(row.length).toBeLessThan(2_000);
      expect(row).not.toContain('AAAAAAAAAAAAAAAA');
      expect(row).not.toContain('<script>');
      expect(row).not.toContain('passwd');
    }
  });

  it('cuts any target longer than the bound on append, keeping a hash of the whole', async () => {
    const record = await harness.audit.append({
      actorId: root.user.id,
      actorUsername: root.user.username,
      action: 'test.long-target',
      target: `source:${JUNK}`,
      outcome: 'failure',
      clientIp: null,
      requestId: null,
      details: {},
    });
    expect(record.target!.length).toBe(MAX_AUDIT_TARGET_LENGTH);
    expect(record.target).toMatch(/…#[0-9a-f]{16}$/);
  });
});

describe('routeTarget', () => {
  it('keeps identifiers and replaces anything else with a hashed marker', () => {
    expect(routeTarget('/admin/users/:id/disable', `/admin/users/${UUID}/disable`)).toBe(`/admin/users/${UUID}/disable`);
    expect(routeTarget('/admin/users/:id/disable', `/admin/users/${JUNK}/disable`)).toMatch(/^\/admin\/users\/invalid:[0-9a-f]{16}\/disable$/);
    expect(routeTarget('/admin/dashboard/*', '/admin/dashboard/api/queues/ingest/pause')).toBe('/admin/dashboard/api/queues/ingest/pause');
    expect(routeTarget('/admin/dashboard/*', `/admin/dashboard/api/${JUNK}`)).toMatch(/^\/admin\/dashboard\/invalid:[0-9a-f]{16}$/);
  });
});
