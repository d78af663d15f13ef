import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { bearer, createAdminHarness, expectProblemShape, jsonRequest, type AdminHarness, type SignedIn } from './support/admin-harness.ts';

type UserJson = { id: string; username: string; role: string; disabled: boolean; createdAt: string; updatedAt: string };
type AuditJson = { id: string; action: string; outcome: string; target: string | null; actorId: string | null; actorUsername: string | null; requestId: string | null; details: Record<string, unknown> };

describe.each(sqlAdapters)('admin users and audit on $name', (adapter) => {
  let harness: AdminHarness;
  let root: SignedIn;
  const request = (path: string, init?: RequestInit) => harness.app.request(path, init);
  const asRoot = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), ...bearer(root.accessToken) } });
  const auditRows = async (query: string) => {
    const response = await request(`/admin/audit?${query}`, asRoot());
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { items: AuditJson[]; nextCursor: string | null });
  };

  beforeAll(async () => {
    harness = await createAdminHarness(adapter);
    root = await harness.signIn('super_admin');
  });
  afterAll(async () => harness?.close());

  it('creates users, refuses duplicates and lists them in pages', async () => {
    const created: UserJson[] = [];
    for (const name of ['Carol', 'dave', 'erin']) {
      const response = await request('/admin/users', asRoot(jsonRequest('POST', { username: name, password: 'a-long-password-1', role: 'user' })));
      expect(response.status, await response.clone().text()).toBe(201);
      created.push((await response.json()) as UserJson);
    }
    expect(created[0]).toMatchObject({ username: 'carol', role: 'user', disabled: false });
    expect(JSON.stringify(created)).not.toContain('password');
    const duplicate = await request('/admin/users', asRoot(jsonRequest('POST', { username: 'CAROL', password: 'a-long-password-1', role: 'user' })));
    expect((await expectProblemShape(duplicate)).code).toBe('conflict');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await request(`/admin/users?limit=2&role=user${cursor ? `&cursor=${cursor}` : ''}`, asRoot());
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: UserJson[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((user) => user.username));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(['carol', 'dave', 'erin']));
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);

    const one = await request(`/admin/users/${created[1]!.id}`, asRoot());
    expect(((await one.json()) as UserJson).username).toBe('dave');

    const rows = await auditRows('action=user.create&outcome=success');
    const carolRow = rows.items.find((row) => row.target === `user:${created[0]!.id}`);
    expect(carolRow).toMatchObject({ actorId: root.user.id, actorUsername: root.user.username, outcome: 'success' });
    expect(carolRow?.requestId).toBeTruthy();
    expect(carolRow?.details).toMatchObject({ username: 'carol', role: 'user', status: 201 });
    expect(JSON.stringify(rows)).not.toContain('a-long-password-1');
    const failed = await auditRows('action=user.create&outcome=failure');
    expect(failed.items.some((row) => row.details.problem === 'conflict')).toBe(true);
  });

  it('redacts personal data from audit rows: a username that is an email is kept as [email]', async () => {
    const response = await request('/admin/users', asRoot(jsonRequest('POST', { username: 'Judy.Borrower@example.com', password: 'a-long-password-1', role: 'user' })));
    expect(response.status, await response.clone().text()).toBe(201);
    const user = (await response.json()) as UserJson;
    expect(user.username).toBe('judy.borrower@example.com');
    const row = (await auditRows(`action=user.create&target=user:${user.id}`)).items[0];
    expect(row?.details).toMatchObject({ username: '[email]', role: 'user', status: 201 });
    expect(JSON.stringify(row)).not.toContain('judy.borrower');
  });

  it('disabling a user stops their access token and refresh token at once; enabling does not revive old sessions', async () => {
    const frank = await harness.signIn('user');
    const history = () => request('/v1/advice/history', { headers: bearer(frank.accessToken) });
    expect((await history()).status).toBe(200);

    const disabled = await request(`/admin/users/${frank.user.id}/disable`, asRoot({ method: 'POST' }));
    expect(disabled.status, await disabled.clone().text()).toBe(200);
    expect(((await disabled.json()) as UserJson).disabled).toBe(true);
    expect((await expectProblemShape(await history())).code).toBe('unauthorized');
    await expect(harness.tokens.refreshGrant(frank.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(harness.tokens.passwordGrant(frank.user.username, frank.password)).rejects.toMatchObject({ code: 'invalid-credentials' });

    const enabled = await request(`/admin/users/${frank.user.id}/enable`, asRoot({ method: 'POST' }));
    expect(((await enabled.json()) as UserJson).disabled).toBe(false);
    await expect(harness.tokens.refreshGrant(frank.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
    const again = await harness.tokens.passwordGrant(frank.user.username, frank.password);
    expect((await request('/v1/advice/history', { headers: bearer(again.access_token) })).status).toBe(200);

    const rows = await auditRows(`target=user:${frank.user.id}`);
    expect(rows.items.map((row) => `${row.action}:${row.outcome}`)).toEqual(['user.enable:success', 'user.disable:success']);
    expect(rows.items[1]?.details.revokedRefreshTokens).toBe(1);
  });

  it('changing a role invalidates current access tokens; refreshing gives a token with the new role', async () => {
    const grace = await harness.signIn('user');
    const changed = await request(`/admin/users/${grace.user.id}/role`, asRoot(jsonRequest('PATCH', { role: 'admin' })));
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(((await changed.json()) as UserJson).role).toBe('admin');
    expect((await request('/v1/advice/history', { headers: bearer(grace.accessToken) })).status).toBe(401);
    const refreshed = await harness.tokens.refreshGrant(grace.refreshToken);
    const claims = JSON.parse(Buffer.from(refreshed.access_token.split('.')[1]!, 'base64url').toString()) as { role: string };
    expect(claims.role).toBe('admin');
    // admin lacks admin:users:manage
    const denied = await request('/admin/users', { headers: bearer(refreshed.access_token) });
    expect((await expectProblemShape(denied)).code).toBe('forbidden');
    const row = (await auditRows(`action=user.role.change&target=user:${grace.user.id}`)).items[0];
    expect(row?.details).toMatchObject({ from: 'user', to: 'admin' });
  });

  it('resetting a password revokes refresh tokens and only the new password works', async () => {
    const heidi = await harness.signIn('financial_advisor');
    const reset = await request(`/admin/users/${heidi.user.id}/password`, asRoot(jsonRequest('POST', { password: 'brand-new-password-42' })));
    expect(reset.status, await reset.clone().text()).toBe(204);
    await expect(harness.tokens.refreshGrant(heidi.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(harness.tokens.passwordGrant(heidi.user.username, heidi.password)).rejects.toMatchObject({ code: 'invalid-credentials' });
    await expect(harness.tokens.passwordGrant(heidi.user.username, 'brand-new-password-42')).resolves.toMatchObject({ token_type: 'Bearer' });
    const row = (await auditRows(`action=user.password.reset&target=user:${heidi.user.id}`)).items[0];
    expect(row).toMatchObject({ outcome: 'success' });
    expect(JSON.stringify(row)).not.toContain('brand-new-password-42');
  });

  it('refresh tokens rotate on use and reuse revokes the family', async () => {
    const ivan = await harness.signIn('user');
    const first = await harness.tokens.refreshGrant(ivan.refreshToken);
    expect(first.refresh_token).not.toBe(ivan.refreshToken);
    await expect(harness.tokens.refreshGrant(ivan.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(harness.tokens.refreshGrant(first.refresh_token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses to disable yourself or demote the last super_admin', async () => {
    const self = await request(`/admin/users/${root.user.id}/disable`, asRoot({ method: 'POST' }));
    expect((await expectProblemShape(self)).code).toBe('conflict');
    const demote = await request(`/admin/users/${root.user.id}/role`, asRoot(jsonRequest('PATCH', { role: 'admin' })));
    expect((await expectProblemShape(demote)).code).toBe('conflict');
    expect((await harness.users.findById(root.user.id))?.role).toBe('super_admin');
  });

  it('writes denied audit rows when a role without the permission tries a mutation, and none when no token is sent', async () => {
    const admin = await harness.signIn('admin');
    const attempt = await request('/admin/users', jsonRequest('POST', { username: 'mallory', password: 'a-long-password-1', role: 'super_admin' }, bearer(admin.accessToken)));
    expect((await expectProblemShape(attempt)).code).toBe('forbidden');
    const anonymous = await request('/admin/signing-keys/rotate', { method: 'POST', headers: { 'x-request-id': 'anon-rotate-1' } });
    expect(anonymous.status).toBe(401);
    const denied = await auditRows('outcome=denied');
    expect(denied.items.find((row) => row.action === 'user.create')).toMatchObject({ actorId: admin.user.id, actorUsername: admin.user.username });
    // Anyone can send a request without a token: counted in metrics and the access log, never a row (test/core/audit/audit-bounds.test.ts).
    expect(denied.items.find((row) => row.requestId === 'anon-rotate-1')).toBeUndefined();
    expect(await harness.users.findByUsername('mallory')).toBeNull();
  });

  it('queries the audit log by actor, action, target and time, newest first, in pages', async () => {
    const all = await auditRows('limit=500');
    expect(all.items.length).toBeGreaterThan(5);
    const ids = all.items.map((row) => BigInt(row.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);

    const byActor = await auditRows(`actorId=${root.user.id}&limit=2`);
    expect(byActor.items).toHaveLength(2);
    expect(byActor.nextCursor).toBeTruthy();
    const next = await auditRows(`actorId=${root.user.id}&limit=2&cursor=${byActor.nextCursor}`);
    expect(BigInt(next.items[0]!.id)).toBeLessThan(BigInt(byActor.items[1]!.id));
    expect((await auditRows(`actor=${root.user.username}`)).items.every((row) => row.actorId === root.user.id)).toBe(true);

    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await auditRows(`from=${encodeURIComponent(future)}`)).items).toEqual([]);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await auditRows(`from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}&action=user.create`)).items.length).toBeGreaterThan(0);
  });

  it('has no route that changes or deletes audit rows', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const response = await request('/admin/audit', asRoot({ method }));
      expect(response.status).toBe(404);
    }
    const someId = (await auditRows('limit=1')).items[0]!.id;
    expect((await request(`/admin/audit/${someId}`, asRoot({ method: 'DELETE' }))).status).toBe(404);
  });

  it('answers bad input on every endpoint with 4xx problem+json', async () => {
    const target = await harness.signIn('user');
    const id = target.user.id;
    const text = (method: string) => asRoot({ method, headers: { 'content-type': 'text/plain' }, body: 'x' });
    const cases: Array<[string, RequestInit, number]> = [
      ['/admin/users', asRoot(jsonRequest('POST', { username: 'x y', password: 'a-long-password-1', role: 'user' })), 422],
      ['/admin/users', asRoot(jsonRequest('POST', { username: 'shorty', password: 'short', role: 'user' })), 422],
      ['/admin/users', asRoot(jsonRequest('POST', { username: 'newbie', password: 'a-long-password-1', role: 'root' })), 422],
      ['/admin/users', asRoot(jsonRequest('POST', { username: 'newbie', password: 'a-long-password-1', role: 'user', extra: 1 })), 422],
      ['/admin/users', text('POST'), 415],
      ['/admin/users', asRoot({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }), 400],
      ['/admin/users', asRoot({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'a'.repeat(10_000) }) }), 413],
      ['/admin/users?limit=0', asRoot(), 422],
      ['/admin/users?limit=abc', asRoot(), 422],
      ['/admin/users?disabled=maybe', asRoot(), 422],
      ['/admin/users?role=root', asRoot(), 422],
      ['/admin/users?unknown=1', asRoot(), 422],
      ['/admin/users/not-a-uuid', asRoot(), 422],
      ['/admin/users/00000000-0000-4000-8000-000000000000', asRoot(), 404],
      [`/admin/users/${id}/role`, asRoot(jsonRequest('PATCH', { role: 'god' })), 422],
      [`/admin/users/${id}/role`, asRoot(jsonRequest('PATCH', {})), 422],
      [`/admin/users/${id}/role`, text('PATCH'), 415],
      ['/admin/users/not-a-uuid/role', asRoot(jsonRequest('PATCH', { role: 'user' })), 422],
      ['/admin/users/00000000-0000-4000-8000-000000000000/role', asRoot(jsonRequest('PATCH', { role: 'user' })), 404],
      ['/admin/users/not-a-uuid/disable', asRoot({ method: 'POST' }), 422],
      ['/admin/users/00000000-0000-4000-8000-000000000000/disable', asRoot({ method: 'POST' }), 404],
      ['/admin/users/not-a-uuid/enable', asRoot({ method: 'POST' }), 422],
      ['/admin/users/00000000-0000-4000-8000-000000000000/enable', asRoot({ method: 'POST' }), 404],
      [`/admin/users/${id}/password`, asRoot(jsonRequest('POST', { password: 'short' })), 422],
      [`/admin/users/${id}/password`, asRoot(jsonRequest('POST', { password: 12345678901234 })), 422],
      [`/admin/users/${id}/password`, text('POST'), 415],
      ['/admin/users/not-a-uuid/password', asRoot(jsonRequest('POST', { password: 'a-long-password-1' })), 422],
      ['/admin/audit?outcome=maybe', asRoot(), 422],
      ['/admin/audit?from=yesterday', asRoot(), 422],
      ['/admin/audit?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z', asRoot(), 422],
      ['/admin/audit?actorId=123', asRoot(), 422],
      ['/admin/audit?cursor=abc', asRoot(), 422],
      ['/admin/audit?limit=501', asRoot(), 422],
      ['/admin/audit?action=DROP%20TABLE', asRoot(), 422],
      ['/admin/events?lastEventId=nope', asRoot(), 422],
      ['/admin/ws?lastEventId=nope', asRoot(), 422],
      ['/admin/ws', asRoot(), 426],
      ['/v1/advice/history?limit=1000', { headers: bearer(target.accessToken) }, 422],
      ['/v1/advice/history?cursor=x', { headers: bearer(target.accessToken) }, 422],
      ['/admin/users', { headers: { authorization: 'Bearer nope' } }, 401],
      ['/admin/users', { headers: { authorization: 'Basic abc' } }, 401],
    ];
    for (const [path, init, status] of cases) {
      const response = await request(path, init);
      expect(`${init.method ?? 'GET'} ${path} → ${response.status}`).toBe(`${init.method ?? 'GET'} ${path} → ${status}`);
      const problem = await expectProblemShape(response);
      expect(problem.status).toBe(status);
    }
  });
});
