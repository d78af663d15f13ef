import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../../core/admin/dashboard-routes.ts';
import { DASHBOARD_COOKIE, DASHBOARD_COOKIE_PATH } from '../../../core/http/console-dashboard-cookie.ts';
import { removeRedisKeys, SHARED_REDIS_URL } from '../jobs/job-system-harness.ts';
import { startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../../support/start-core.ts';
import { expectProblemShape } from './support/admin-harness.ts';

/** What app.request() sees as this server's origin. */
const ORIGIN = 'http://localhost';
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

/**
 * The BullMQ dashboard opened from the console: `POST /admin/dashboard-access` mints the
 * dashboard cookie (HttpOnly, Secure, SameSite=Strict, Path=/admin/dashboard, the access token's
 * remaining life), and /admin/dashboard/* accepts it from this site's own pages only, under the
 * same permission (admin:jobs:manage) and audit as the Authorization header. Real core on BullMQ.
 */
describe('dashboard access from the console (BullMQ runner)', () => {
  const prefix = `h2console:${randomBytes(4).toString('hex')}:`;
  let core: StartedCore;
  let root: string;
  let advisor: string;

  const request = (path: string, init: RequestInit = {}) => core.runtime.app.request(path, init);
  const tokenFor = async (username: string, password: string) => {
    const response = await request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const mint = (token: string | null, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    request('/admin/dashboard-access', { method: 'POST', ...init, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const withCookie = (path: string, value: string, headers: Record<string, string> = {}, method = 'GET') =>
    request(path, { method, headers: { cookie: `${DASHBOARD_COOKIE}=${value}`, ...headers } });
  const problem = async (response: Response, status: number, code?: string) => {
    expect(response.status, await response.clone().text()).toBe(status);
    const body = await expectProblemShape(response);
    if (code) expect(body.code).toBe(code);
    return body;
  };
  const auditRows = async (action: string) => {
    const response = await request(`/admin/audit?action=${action}&limit=20`, { headers: { authorization: `Bearer ${root}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { requestId: string | null; actorUsername: string | null; outcome: string }[] }).items;
  };
  const cookieOf = (response: Response) => {
    const header = response.headers.get('set-cookie') ?? '';
    const value = new RegExp(`${DASHBOARD_COOKIE}=([^;]*)`).exec(header)?.[1] ?? '';
    return { header, value };
  };

  beforeAll(async () => {
    core = await startCore({ REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix, REQUIRE_EDGE_SIGNATURE: 'false', EMBEDDER: 'lexical' });
    root = await tokenFor('admin', TEST_ADMIN_PASSWORD);
    const created = await request('/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${root}` },
      body: JSON.stringify({ username: 'dashboard.advisor', password: 'advisor-password-123', role: 'financial_advisor' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    advisor = await tokenFor('dashboard.advisor', 'advisor-password-123');
  }, 120_000);
  afterAll(async () => {
    await core?.stop();
    await removeRedisKeys(SHARED_REDIS_URL, prefix);
  });

  it('mints an HttpOnly, Secure, SameSite=Strict cookie on /admin/dashboard that ends with the access token', async () => {
    const response = await mint(root, SAME_ORIGIN);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { url: string; expiresAt: string };
    expect(body.url).toBe(DASHBOARD_COOKIE_PATH);
    const { header, value } = cookieOf(response);
    expect(value).toBe(root);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/Secure/i);
    expect(header).toMatch(/SameSite=Strict/i);
    expect(header).toMatch(/Path=\/admin\/dashboard(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(header)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(900);
    const { exp } = JSON.parse(Buffer.from(root.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    expect(Date.parse(body.expiresAt)).toBe(exp * 1000);
    // Minting is audited like every admin mutation.
    expect((await auditRows('dashboard.access')).find((row) => row.requestId === response.headers.get('x-request-id'))).toMatchObject({ actorUsername: 'admin', outcome: 'success' });
  });

  it('opens bull-board with the cookie alone: page, assets and API, under strict headers', async () => {
    const page = await withCookie('/admin/dashboard', root, SAME_ORIGIN);
    expect(page.status, await page.clone().text()).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    // No page of the service fetches from outside (bull-board's Google Fonts link is blocked).
    expect(DASHBOARD_CSP).not.toMatch(/https?:/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    const script = /src="(static\/js\/[^"]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await withCookie(`/admin/dashboard/${script}`, root, SAME_ORIGIN);
    expect(asset.status).toBe(200);
    await asset.arrayBuffer();
    // A typed URL or bookmark (Sec-Fetch-Site: none) may read; so may a client that sends no fetch metadata.
    for (const headers of [SAME_ORIGIN, { 'sec-fetch-site': 'none' }, {}]) {
      const api = await withCookie('/admin/dashboard/api/queues', root, headers);
      expect(api.status, await api.clone().text()).toBe(200);
      const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name).sort();
      expect(names).toEqual(['embedding', 'indexing', 'maintenance']);
    }
  });

  it('refuses the cookie on requests labelled cross-site or cross-origin (403 problem+json)', async () => {
    const labelled: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:1' }];
    for (const headers of labelled) {
      const body = await problem(await withCookie('/admin/dashboard/api/queues', root, headers), 403, 'forbidden');
      expect(JSON.stringify(body)).not.toContain(root);
    }
    // Changes: a typed URL cannot make one, and the Origin must be present and this site's.
    const pause = '/admin/dashboard/api/queues/maintenance/pause';
    await problem(await withCookie(pause, root, { 'sec-fetch-site': 'none' }, 'PUT'), 403, 'forbidden');
    await problem(await withCookie(pause, root, SAME_ORIGIN, 'PUT'), 403, 'forbidden');
    await problem(await withCookie(pause, root, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, 'PUT'), 403, 'forbidden');
    expect(await core.runtime.jobs.runner.isPaused('maintenance')).toBe(false);
  });

  it('lets a same-origin change through with the cookie, audited with the cookie owner as actor', async () => {
    const pause = await withCookie('/admin/dashboard/api/queues/maintenance/pause', root, { ...SAME_ORIGIN, origin: ORIGIN }, 'PUT');
    expect(pause.status, await pause.clone().text()).toBeLessThan(300);
    expect(await core.runtime.jobs.runner.isPaused('maintenance')).toBe(true);
    expect((await auditRows('dashboard.action')).find((row) => row.requestId === pause.headers.get('x-request-id'))).toMatchObject({ actorUsername: 'admin', outcome: 'success' });
    const resume = await withCookie('/admin/dashboard/api/queues/maintenance/resume', root, { ...SAME_ORIGIN, origin: ORIGIN }, 'PUT');
    expect(resume.status).toBeLessThan(300);
    await resume.arrayBuffer();
  });

  it('holds a role without admin:jobs:manage to the same refusal with the cookie as with the header', async () => {
    await problem(await mint(advisor, SAME_ORIGIN), 403, 'forbidden');
    // A forged cookie carrying the advisor's own token: the permission check still applies.
    await problem(await withCookie('/admin/dashboard/api/queues', advisor, SAME_ORIGIN), 403, 'forbidden');
    await problem(await withCookie('/admin/dashboard', advisor, SAME_ORIGIN), 403, 'forbidden');
  });

  it('answers bad credentials and cross-site minting with problems, never 500', async () => {
    await problem(await mint(null, SAME_ORIGIN), 401, 'unauthorized');
    await problem(await mint('not-a-jwt', SAME_ORIGIN), 401, 'unauthorized');
    await problem(await mint(root, { 'sec-fetch-site': 'cross-site' }), 403, 'forbidden');
    await problem(await mint(root, { origin: 'https://evil.example' }), 403, 'forbidden');
    // A body is not read: junk in it changes nothing.
    const junk = await mint(root, { ...SAME_ORIGIN, 'content-type': 'application/json' }, { body: '{"url":' });
    expect(junk.status).toBe(200);
    await junk.arrayBuffer();
    for (const value of ['', 'garbage', `${root}x`, 'a'.repeat(4000)]) {
      const response = await withCookie('/admin/dashboard/api/queues', value, SAME_ORIGIN);
      await problem(response, 401, 'unauthorized');
    }
    await problem(await request('/admin/dashboard/api/queues'), 401, 'unauthorized');
  });

  it('stops accepting the cookie of a user disabled since it was minted', async () => {
    const created = await request('/admin/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${root}` },
      body: JSON.stringify({ username: 'dashboard.operator', password: 'operator-password-123', role: 'admin' }),
    });
    const { id } = (await created.json()) as { id: string };
    const operator = await tokenFor('dashboard.operator', 'operator-password-123');
    const minted = await mint(operator, SAME_ORIGIN);
    expect(minted.status).toBe(200);
    const { value } = cookieOf(minted);
    expect((await withCookie('/admin/dashboard/api/queues', value, SAME_ORIGIN)).status).toBe(200);
    const disabled = await request(`/admin/users/${id}/disable`, { method: 'POST', headers: { authorization: `Bearer ${root}` } });
    expect(disabled.status).toBeLessThan(300);
    await problem(await withCookie('/admin/dashboard/api/queues', value, SAME_ORIGIN), 401, 'unauthorized');
  });

  it('clears the dashboard cookie on console sign-out', async () => {
    const response = await request('/v1/auth/console/logout', { method: 'POST', headers: { 'x-apfa-console': '1', ...SAME_ORIGIN } });
    expect(response.status).toBe(204);
    const cleared = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${DASHBOARD_COOKIE}=`)) ?? '';
    expect(cleared).toMatch(/Max-Age=0/i);
    expect(cleared).toMatch(/Path=\/admin\/dashboard(;|$)/);
  });
});

describe('dashboard access on the in-process runner', () => {
  let core: StartedCore;
  beforeAll(async () => {
    core = await startCore({ EMBEDDER: 'lexical' });
  }, 120_000);
  afterAll(async () => core?.stop());

  it('answers 501 requires-redis and sets no cookie', async () => {
    const login = await core.runtime.app.request('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const response = await core.runtime.app.request('/admin/dashboard-access', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(501);
    expect((await expectProblemShape(response)).code).toBe('requires-redis');
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
