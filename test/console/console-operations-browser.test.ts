import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeCacheCounterKeys } from '../../shared/cache/edge-cache-counter-keys.ts';
import { DASHBOARD_COOKIE } from '../../core/http/console-dashboard-cookie.ts';
import { removeRedisKeys, SHARED_REDIS_URL } from '../core/jobs/job-system-harness.ts';
import { getToken, startCore, type StartedCore } from '../support/start-core.ts';
import { CHROMIUM, hasChromium, launchHeadlessChromium, signInToConsole } from '../support/headless-chromium.ts';

const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.artifacts/console');
const skipReason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); required when CI is set`;
const ADVISOR = { username: 'advisor.operations', password: 'advisor-password-123' };
const SECOND_ROOT = { username: 'root.two', password: 'root-two-password-123' };

if (!hasChromium && !process.env.CI) console.warn(`skipping the console operations pages in Chromium: ${skipReason}`);

/**
 * The console's operations pieces in headless Chromium against a real core on BullMQ (Redis,
 * own key prefix): bull-board opened from the console with the dashboard cookie, the overview's
 * request/error/edge-cache rates, and signing-key rotation on the Users page; each refused to a
 * role that may not use it, in the page and at the API.
 */
describe.skipIf(!hasChromium && !process.env.CI)('console operations in headless Chromium (BullMQ runner)', () => {
  const prefix = `h2console:${randomBytes(4).toString('hex')}:`;
  let core: StartedCore;
  let redis: Redis;
  let browser: Browser;
  let root: string;
  const problems: string[] = [];

  const api = async (path: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${core.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : null,
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };

  beforeAll(async () => {
    if (!hasChromium) throw new Error(skipReason);
    core = await startCore({ REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix, REQUIRE_EDGE_SIGNATURE: 'false', EMBEDDER: 'lexical' });
    redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 2 });
    root = await getToken(core.url, 'admin', core.adminPassword);
    for (const [user, role] of [[ADVISOR, 'financial_advisor'], [SECOND_ROOT, 'super_admin']] as const) {
      const created = await api('/admin/users', { method: 'POST', token: root, body: { ...user, role } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    browser = await launchHeadlessChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await core?.stop();
    await removeRedisKeys(SHARED_REDIS_URL, prefix);
  });

  const open = async (viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (message) => {
      // Refused requests the test provokes are logged as "Failed to load resource"; CSP and script errors are not allowed.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page };
  };

  const signIn = (page: Page, username: string, password: string) => signInToConsole(page, core.url, username, password);

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

  /** The page's own access token, from its refresh cookie (as a forged request from that session would get it). */
  const sessionToken = (page: Page) =>
    page.evaluate(async () => {
      const response = await fetch('/v1/auth/console/refresh', { method: 'POST', headers: { 'x-apfa-console': '1' } });
      return ((await response.json()) as { access_token: string }).access_token;
    });

  it('(a) super_admin opens bull-board from Jobs with no Authorization header; another site cannot use the cookie; an advisor gets no link and is refused', async () => {
    const { context, page } = await open();
    const dashboardRequests: { url: string; authorization: string | undefined; status?: number }[] = [];
    context.on('request', async (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/dashboard/') || new URL(request.url()).pathname === '/admin/dashboard') {
        dashboardRequests.push({ url: request.url(), authorization: (await request.allHeaders()).authorization });
      }
    });
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const button = page.getByRole('button', { name: 'Open BullMQ dashboard' });
    await button.waitFor();
    const [tab] = await Promise.all([context.waitForEvent('page'), button.click()]);
    const tabErrors: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) tabErrors.push(message.text());
    });
    await page.getByRole('status').filter({ hasText: 'Opened in a new tab' }).waitFor();
    await shot(page, 'ops-jobs-dashboard-link');
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toMatch(/^\/admin\/dashboard\/?$/);
    // bull-board's own UI lists the three queues it read from its JSON API with the cookie.
    for (const queue of ['embedding', 'indexing', 'maintenance']) await tab.getByText(queue, { exact: true }).first().waitFor({ timeout: 20_000 });
    await shot(tab, 'ops-bull-board');
    expect(dashboardRequests.length).toBeGreaterThan(2);
    expect(dashboardRequests.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect(dashboardRequests.some((request) => request.url.includes('/admin/dashboard/api/queues'))).toBe(true);
    expect(tabErrors.filter((text) => /Content Security Policy|Refused to/.test(text))).toEqual([]);

    const cookies = await context.cookies(`${core.url}/admin/dashboard`);
    const cookie = cookies.find((candidate) => candidate.name === DASHBOARD_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/admin/dashboard' });
    expect(cookie!.expires * 1000).toBeLessThanOrEqual(Date.now() + 900_000);
    // Script on the console cannot read it.
    await expect(page.evaluate(() => document.cookie)).resolves.toBe('');

    // Another site (localhost vs 127.0.0.1) links to the dashboard's API: SameSite=Strict keeps the cookie off the request.
    const attacker = await context.newPage();
    const port = new URL(core.url).port;
    await attacker.route(`http://localhost:${port}/attack`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<a href="${core.url}/admin/dashboard/api/queues">queues</a>` }),
    );
    await attacker.goto(`http://localhost:${port}/attack`);
    const [navigation] = await Promise.all([attacker.waitForEvent('response', (response) => response.url().endsWith('/admin/dashboard/api/queues')), attacker.getByRole('link', { name: 'queues' }).click()]);
    expect(navigation.status()).toBe(401);
    expect(navigation.headers()['content-type']).toMatch(/problem\+json/);
    await expect(attacker.locator('body').textContent()).resolves.not.toContain('maintenance');
    // The same request with the cookie attached (a browser without SameSite, or a same-site neighbour) is refused by the server too.
    const labelled: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: `http://localhost:${port}` }];
    for (const headers of labelled) {
      const forged = await fetch(`${core.url}/admin/dashboard/api/queues`, { headers: { cookie: `${DASHBOARD_COOKIE}=${cookie!.value}`, ...headers } });
      expect(forged.status).toBe(403);
      expect(forged.headers.get('content-type')).toMatch(/problem\+json/);
      await forged.arrayBuffer();
    }
    await context.close();

    // A financial_advisor: no Jobs page, no dashboard control; the API refuses the session's forged calls.
    const advisor = await open({ width: 390, height: 844 });
    await signIn(advisor.page, ADVISOR.username, ADVISOR.password);
    await advisor.page.locator('#vector-count').waitFor();
    await expect(advisor.page.getByRole('link', { name: 'Jobs', exact: true }).count()).resolves.toBe(0);
    await expect(advisor.page.getByRole('button', { name: /BullMQ/ }).count()).resolves.toBe(0);
    await advisor.page.goto(`${core.url}/console#/jobs`);
    await advisor.page.locator('#vector-count').waitFor();
    await expect(advisor.page.getByRole('button', { name: /BullMQ/ }).count()).resolves.toBe(0);
    const token = await sessionToken(advisor.page);
    const forged = await advisor.page.evaluate(async (accessToken) => {
      const calls = [
        fetch('/admin/dashboard-access', { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } }),
        fetch('/admin/dashboard/api/queues', { headers: { authorization: `Bearer ${accessToken}` } }),
        fetch('/admin/dashboard/api/queues'),
      ];
      return Promise.all(calls.map(async (call) => {
        const response = await call;
        return { status: response.status, type: response.headers.get('content-type'), cookie: document.cookie };
      }));
    }, token);
    expect(forged.map((answer) => answer.status)).toEqual([403, 403, 401]);
    for (const answer of forged) expect(answer.type).toMatch(/problem\+json/);
    const advisorCookies = await advisor.context.cookies(`${core.url}/admin/dashboard`);
    expect(advisorCookies.find((candidate) => candidate.name === DASHBOARD_COOKIE)).toBeUndefined();
    await advisor.context.close();
  }, 120_000);

  it('(b) the overview shows request, error and edge-cache hit rates, and they change after traffic', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    const rate = (id: string) => page.locator(`#${id}`).textContent();
    // The first reading has nothing to compare with; the next poll (a few seconds) has rates.
    await page.locator('#request-rate', { hasText: '/s' }).waitFor({ timeout: 20_000 });
    const before = { requests: await rate('request-rate'), clientErrors: await rate('client-error-rate'), hits: await rate('cache-hit-rate') };
    expect(before.requests).toMatch(/^\d[\d.,]* \/s$/);
    expect(before.hits).toBe('no lookups');
    await shot(page, 'ops-overview-traffic-before');

    // Traffic: 120 answered requests, 40 refused (401), and the edge counting 30 cache hits and 10 misses.
    const calls = [...Array.from({ length: 120 }, () => `${core.url}/health`), ...Array.from({ length: 40 }, () => `${core.url}/admin/users`)];
    for (const url of calls) await (await fetch(url)).arrayBuffer();
    const keys = edgeCacheCounterKeys(prefix);
    await redis.incrby(keys.hit, 30);
    await redis.incrby(keys.miss, 10);

    await page.locator('#cache-hit-rate', { hasText: '75 %' }).waitFor({ timeout: 20_000 });
    await expect(rate('cache-hit-rate-note')).resolves.toBe('of 40 edge lookups');
    // The rate is over a sliding window, so earlier tests' traffic leaving it can offset this traffic
    // for one poll (both read "33 /s" once): wait for a poll that shows the change.
    await page.waitForFunction((previous) => document.querySelector('#request-rate')?.textContent !== previous, before.requests, { timeout: 20_000 });
    const after = { requests: await rate('request-rate'), clientErrors: await rate('client-error-rate'), hits: await rate('cache-hit-rate') };
    expect(after.requests).not.toBe(before.requests);
    expect(after.clientErrors).not.toBe(before.clientErrors);
    await expect(rate('client-error-rate-note')).resolves.toMatch(/^\d+(\.\d)? % of requests$/);
    expect(Number.parseFloat(after.clientErrors ?? '')).toBeGreaterThan(0);
    // The 160 requests fall in the window (at most 60 s), whatever the earlier tests' traffic did to the 'before' rate.
    expect(Number.parseFloat(after.requests ?? '')).toBeGreaterThanOrEqual(160 / 60);
    await expect(rate('server-error-rate')).resolves.toBe('0.00 /s');
    await expect(page.locator('.card', { hasText: 'Traffic' }).textContent()).resolves.toMatch(/30 hits, 10 misses/);
    await shot(page, 'ops-overview-traffic');
    await context.close();

    const narrow = await open({ width: 390, height: 844 });
    await signIn(narrow.page, ADVISOR.username, ADVISOR.password);
    await narrow.page.locator('#cache-hit-rate').waitFor();
    await shot(narrow.page, 'ops-overview-traffic-advisor-390');
    await narrow.context.close();
  }, 120_000);

  it('(c) super_admin rotates the signing key from Users and the new kid appears; a demoted session is refused and loses the page; a failure is shown in words; an advisor has no control and is refused', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    const current = page.locator('section.signing-keys tr.live');
    await current.waitFor();
    const oldKid = (await current.getAttribute('data-kid')) ?? '';
    expect(oldKid).toMatch(/^[\w-]{43}$/);
    // Never key material: the table shows kid, algorithm, created and state only.
    await expect(page.locator('section.signing-keys').textContent()).resolves.not.toMatch(/"d"|"x"|privateKey|BEGIN/);
    await shot(page, 'ops-users-signing-keys');
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page.getByRole('group', { name: /Make a new signing key/ }).getByRole('button', { name: 'Confirm' }).click();
    const announced = page.locator('#rotated-kid');
    await announced.waitFor();
    const newKid = (await page.locator('section.signing-keys tr.live').getAttribute('data-kid')) ?? '';
    expect(newKid).toMatch(/^[\w-]{43}$/);
    expect(newKid).not.toBe(oldKid);
    await expect(announced.textContent()).resolves.toContain(newKid);
    await expect(page.locator(`section.signing-keys tr[data-kid="${oldKid}"]`).textContent()).resolves.toContain('retired, still verifies');
    const listed = await api('/admin/signing-keys', { token: root });
    expect((listed.body?.keys as { kid: string; retiredAt: string | null }[]).find((key) => key.retiredAt === null)?.kid).toBe(newKid);
    await shot(page, 'ops-users-signing-keys-rotated');
    // The console's token (signed by the old key) still works during the overlap.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.locator('#vector-count').waitFor();
    await context.close();

    // A second super_admin is demoted while the page is open: the rotation is refused, and the page drops what the new role may not do.
    const second = await open();
    // The feed's own recheck closes a demoted user's socket within 5 s and the page then refreshes
    // (test/e2e/user-state-changes.test.ts); here a socket that stays open stands in for it, so the
    // page learns of the demotion from the click under test and not from a race with the feed.
    await second.page.routeWebSocket(/\/admin\/ws/, (socket) => {
      socket.send(JSON.stringify({ type: 'hello', protocol: 'apfa.feed.v1', resumedAfter: null, heartbeatMs: 15_000, progressIntervalMs: 250 }));
    });
    await signIn(second.page, SECOND_ROOT.username, SECOND_ROOT.password);
    await second.page.getByRole('link', { name: 'Users', exact: true }).click();
    await second.page.getByRole('button', { name: 'Rotate signing key' }).waitFor();
    // The page's own reads (keys, users) finished before the demotion: otherwise they meet it first
    // (401, refresh, 403) and the page leaves Users before the click this part is about.
    await second.page.locator('section.signing-keys tr[data-kid]').first().waitFor();
    await second.page.getByText('(you)').waitFor();
    const users = await api('/admin/users?limit=100', { token: root });
    const id = (users.body?.items as { id: string; username: string }[]).find((user) => user.username === SECOND_ROOT.username)?.id;
    expect((await api(`/admin/users/${id}/role`, { method: 'PATCH', token: root, body: { role: 'admin' } })).status).toBe(200);
    const rotateAnswers: number[] = [];
    second.page.on('response', (response) => {
      if (response.url().endsWith('/admin/signing-keys/rotate')) rotateAnswers.push(response.status());
    });
    await second.page.getByRole('button', { name: 'Rotate signing key' }).click();
    await second.page.getByRole('group', { name: /Make a new signing key/ }).getByRole('button', { name: 'Confirm' }).click();
    await second.page.locator('#vector-count').waitFor();
    await expect(second.page.getByRole('link', { name: 'Users', exact: true }).count()).resolves.toBe(0);
    await expect(second.page.getByText('(admin)').count()).resolves.toBe(1);
    // The stale token (401), then the refreshed one of the new role (403).
    expect(rotateAnswers).toEqual([401, 403]);
    await second.context.close();
    const unchanged = await api('/admin/signing-keys', { token: root });
    expect((unchanged.body?.keys as { kid: string; retiredAt: string | null }[]).find((key) => key.retiredAt === null)?.kid).toBe(newKid);

    // A failed rotation shows the problem's title and detail in words (the answer stands in for a database outage).
    const failing = await open();
    await signIn(failing.page, 'admin', core.adminPassword);
    await failing.page.route('**/admin/signing-keys/rotate', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: '/problems/upstream-unavailable', code: 'upstream-unavailable', title: 'Upstream service unavailable', status: 503, detail: 'The database did not answer; no key was rotated.' }),
      }),
    );
    await failing.page.getByRole('link', { name: 'Users', exact: true }).click();
    await failing.page.getByRole('button', { name: 'Rotate signing key' }).click();
    await failing.page.getByRole('group', { name: /Make a new signing key/ }).getByRole('button', { name: 'Confirm' }).click();
    const refusal = failing.page.locator('section.signing-keys [role="alert"]');
    await refusal.waitFor();
    await expect(refusal.locator('strong').textContent()).resolves.toBe('Upstream service unavailable');
    await expect(refusal.textContent()).resolves.toContain('The database did not answer; no key was rotated.');
    await expect(failing.page.locator('#rotated-kid').count()).resolves.toBe(0);
    await shot(failing.page, 'ops-users-signing-keys-failed');
    await failing.context.close();

    // A financial_advisor: no Users page, no rotation control; a forged rotation from the session is refused.
    const advisor = await open({ width: 390, height: 844 });
    await signIn(advisor.page, ADVISOR.username, ADVISOR.password);
    await advisor.page.locator('#vector-count').waitFor();
    await expect(advisor.page.getByRole('link', { name: 'Users', exact: true }).count()).resolves.toBe(0);
    await advisor.page.goto(`${core.url}/console#/users`);
    await advisor.page.locator('#vector-count').waitFor();
    await expect(advisor.page.getByRole('button', { name: /Rotate/ }).count()).resolves.toBe(0);
    const token = await sessionToken(advisor.page);
    const forged = await advisor.page.evaluate(async (accessToken) => {
      const response = await fetch('/admin/signing-keys/rotate', { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
      return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { title: string; detail: string } };
    }, token);
    expect(forged.status).toBe(403);
    expect(forged.type).toMatch(/problem\+json/);
    expect(forged.body.detail).toContain('admin:users:manage');
    const still = await api('/admin/signing-keys', { token: root });
    expect((still.body?.keys as { kid: string; retiredAt: string | null }[]).find((key) => key.retiredAt === null)?.kid).toBe(newKid);
    await advisor.context.close();

    // The Users page with its keys at 390 px.
    const narrow = await open({ width: 390, height: 844 });
    await signIn(narrow.page, 'admin', core.adminPassword);
    await narrow.page.getByRole('link', { name: 'Users', exact: true }).click();
    await narrow.page.locator('section.signing-keys tr.live').waitFor();
    await shot(narrow.page, 'ops-users-signing-keys-390');
    await narrow.context.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
