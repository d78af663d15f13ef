import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../core/routes/console-routes.ts';
import { CONSOLE_REFRESH_COOKIE } from '../../core/routes/console-session-routes.ts';
import { getToken, startCore, type StartedCore } from '../support/start-core.ts';
import { CHROMIUM, hasChromium, launchHeadlessChromium, signInToConsole } from '../support/headless-chromium.ts';

const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.artifacts/console');
const skipReason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); required when CI is set`;
const XSS = '<img src=x onerror="window.__xss=1">';

let core: StartedCore;
beforeAll(async () => {
  // Small batches, so a sync of the demo corpus is several embed-batch jobs (the Batch progress page).
  core = await startCore({ EMBEDDER: 'lexical', INGEST_BATCH_SIZE: '8' });
}, 120_000);
afterAll(async () => core?.stop());

const consolePost = (path: string, init: { cookie?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
  fetch(`${core.url}/v1/auth/console/${path}`, {
    method: 'POST',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : null,
  });

describe('console over HTTP', () => {
  it('serves the page and its modules under the strict CSP with nosniff and no inline script', async () => {
    const response = await fetch(`${core.url}/console`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await response.text();
    for (const [, attributes, body] of page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attributes).toMatch(/src="\/console\/assets\/[\w.-]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    for (const path of ['app.js', 'console.css', 'roles.js', 'pages/jobs.js', 'vendor/preact.mjs', 'vendor/hooks.mjs', 'vendor/htm.mjs']) {
      const asset = await fetch(`${core.url}/console/assets/${path}`);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await asset.text();
      if (path === 'vendor/hooks.mjs') expect(text).toContain('from"./preact.mjs"');
    }
    const missing = await fetch(`${core.url}/console/assets/package.json`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it('sets the refresh token only as an HttpOnly, Secure, SameSite=Strict cookie on the console path', async () => {
    const response = await consolePost('session', { headers: { 'x-apfa-console': '1' }, body: { username: 'admin', password: core.adminPassword } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.access_token).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refresh_token');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${CONSOLE_REFRESH_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/v1\/auth\/console/);
  });

  it('refuses a session request without the console header or from another site (CSRF), as problem+json', async () => {
    const login = await consolePost('session', { headers: { 'x-apfa-console': '1' }, body: { username: 'admin', password: core.adminPassword } });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await login.arrayBuffer();
    for (const headers of [{} as Record<string, string>, { 'x-apfa-console': '1', 'sec-fetch-site': 'cross-site' }, { 'x-apfa-console': '1', origin: 'https://evil.example' }]) {
      const refused = await consolePost('refresh', { cookie, headers });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      await refused.arrayBuffer();
    }
    const allowed = await consolePost('refresh', { cookie, headers: { 'x-apfa-console': '1', 'sec-fetch-site': 'same-origin', origin: new URL(core.url).origin } });
    expect(allowed.status).toBe(200);
    await allowed.arrayBuffer();
  });
});

if (!hasChromium && !process.env.CI) console.warn(`skipping the console in Chromium: ${skipReason}`);

describe.skipIf(!hasChromium && !process.env.CI)('console in headless Chromium', () => {
  let browser: Browser;
  const problems: string[] = [];
  beforeAll(async () => {
    if (!hasChromium) throw new Error(skipReason);
    browser = await launchHeadlessChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (message) => {
      // A refused request (401/403/422 the test provokes) is logged by Chromium as a console error; CSP and script errors are not allowed.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page };
  };

  const signIn = (page: Page, username: string, password: string) => signInToConsole(page, core.url, username, password);

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

  it('(1) signs in as super_admin, survives a reload, and sign-out makes the refresh cookie useless', async () => {
    const { context, page } = await open();
    await page.goto(`${core.url}/console`);
    await shot(page, 'sign-in');
    await signIn(page, 'admin', core.adminPassword);
    await expect(page.locator('#live-version').textContent({ timeout: 30_000 })).resolves.toMatch(/^[0-9a-f]{16}$/);
    await page.getByRole('status', { name: 'Live feed' }).getByText('live').waitFor();
    await shot(page, 'overview');
    for (const name of ['Overview', 'Jobs', 'Batch progress', 'Index versions', 'Documents', 'Users', 'Audit log']) {
      await expect(page.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);
    }
    // The access token lives in memory only.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).toBe('{"local":{},"session":{},"cookie":""}');

    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
    await expect(page.getByText('admin', { exact: true }).count()).resolves.toBeGreaterThan(0);

    const cookies = await context.cookies(core.url + '/v1/auth/console/refresh');
    const refreshCookie = cookies.find((cookie) => cookie.name === CONSOLE_REFRESH_COOKIE);
    expect(refreshCookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/v1/auth/console' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const replay = await consolePost('refresh', { cookie: `${CONSOLE_REFRESH_COOKIE}=${refreshCookie?.value}`, headers: { 'x-apfa-console': '1' } });
    expect(replay.status).toBe(401);
    await replay.arrayBuffer();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  }, 90_000);

  it('(2) a sync started from Jobs moves its progress bar to 100 % live, without a reload', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await shot(page, 'jobs');
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && !frame.url().includes('#')) navigations += 1;
    });
    await page.getByRole('button', { name: 'Force build' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    const bar = page.locator('progress#job-progress');
    await bar.waitFor();
    const seen: number[] = [];
    for (let read = 0; read < 600; read++) {
      seen.push(Number(await bar.getAttribute('value')));
      if (seen.at(-1) === 100 && seen.length >= 2) break;
      await page.waitForTimeout(50);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(100);
    expect(navigations).toBe(0);
    await page.locator('#job-state', { hasText: 'completed' }).waitFor();
    await shot(page, 'job-detail');
    await context.close();
  }, 90_000);

  it('(4) uploads a JSONL file with one bad row: the rejection is shown and the resulting job finishes', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    const file = join(tmpdir(), `apfa-console-upload-${process.pid}.jsonl`);
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'console-test-escrow', title: 'Escrow accounts explained', text: 'An escrow account holds property tax and insurance payments collected with the monthly mortgage payment.' }),
        JSON.stringify({ id: XSS, title: 'Too short', text: 'short' }),
      ].join('\n'),
    );
    await page.getByLabel('Documents file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#upload-summary', { hasText: '1 accepted, 1 rejected.' }).waitFor();
    await expect(page.locator('progress#upload-progress').getAttribute('value')).resolves.toBe('100');
    const rejected = page.locator('tr.rejected-row');
    await expect(rejected.count()).resolves.toBe(1);
    await expect(rejected.textContent()).resolves.toContain('text');
    await shot(page, 'documents');
    await page.locator('#upload-job').click();
    await page.locator('#job-state', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await expect(page.locator('progress#job-progress').getAttribute('value')).resolves.toBe('100');
    await context.close();
  }, 90_000);

  it('(9) uploads a CSV file (quoted commas, escaped quotes, CRLF): rejected rows by line, the sync followed to the end', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    const file = join(tmpdir(), `apfa-console-upload-${process.pid}.csv`);
    writeFileSync(
      file,
      [
        'id,title,text,tags',
        'console-csv-points,"Points, explained","Discount points ""buy down"" the interest rate: each point costs one percent of the loan amount.","points,fees"',
        'console-csv-short,Short,Too short.,',
        'console-csv-fields,Too,many,fields,here',
        '',
      ].join('\r\n'),
    );
    await page.getByLabel('Documents file').setInputFiles(file);
    await page.getByText('(CSV)').waitFor();
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('#upload-summary', { hasText: '1 accepted, 2 rejected.' }).waitFor();
    const rows = await page.locator('tr.rejected-row').evaluateAll((cells) => cells.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    expect(rows.map(([line, id]) => [line, id])).toEqual([['3', 'console-csv-short'], ['4', '—']]);
    expect(rows[1]?.[2]).toBe('wrong number of fields');
    await shot(page, 'documents-csv');
    await page.locator('#upload-job').click();
    await page.locator('#job-state', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await expect(page.locator('progress#job-progress').getAttribute('value')).resolves.toBe('100');
    await context.close();
  }, 90_000);

  it('(6) server text with markup renders as text: no script runs, no request is made', async () => {
    const { context, page } = await open();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    const file = join(tmpdir(), `${XSS.replace(/[/"]/g, '')}-${process.pid}.jsonl`);
    writeFileSync(file, `${JSON.stringify({ id: XSS, title: XSS, text: XSS })}\n`);
    await page.getByLabel('Documents file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.locator('tr.rejected-row').waitFor();
    // The rejected row's id (echoed by the server) and the file name are shown as the literal text.
    await expect(page.locator('tr.rejected-row td.mono').textContent()).resolves.toBe(XSS);
    await expect(page.getByText(XSS.slice(0, 12)).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('main img').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    expect(requested.filter((url) => /\/x$/.test(url))).toEqual([]);
    await shot(page, 'documents-rejected-markup');
    await context.close();
  }, 60_000);

  it('(3) activating an older version changes the overview live, and /v1/advice answers from it', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    const liveBefore = await page.locator('#live-version').textContent({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Index versions', exact: true }).click();
    const older = page.locator('tr[data-version]:not(.live)').first();
    await older.waitFor();
    const version = (await older.getAttribute('data-version')) ?? '';
    expect(version).not.toBe(liveBefore);
    await shot(page, 'index-versions');
    await older.getByRole('button', { name: `Activate ${version}` }).click();
    await older.getByRole('button', { name: 'Confirm' }).click();
    await page.locator(`tr.live[data-version="${version}"]`).waitFor();
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.locator('#live-version', { hasText: version }).waitFor();
    const token = await getToken(core.url, 'admin', core.adminPassword);
    const advice = await fetch(`${core.url}/v1/advice`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'What are my options for a $200,000 home with a 620 credit score?', profile: { propertyValue: 200000, creditScore: 620 } }),
    });
    expect(advice.status).toBe(200);
    expect(((await advice.json()) as { indexVersion: string }).indexVersion).toBe(version);
    await context.close();
  }, 90_000);

  it('(5) a financial_advisor sees metrics only; a forged request from that session is refused', async () => {
    const token = await getToken(core.url, 'admin', core.adminPassword);
    const created = await fetch(`${core.url}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'advisor.console', password: 'advisor-password-123', role: 'financial_advisor' }),
    });
    expect(created.status).toBe(201);
    await created.arrayBuffer();
    const { context, page } = await open({ width: 390, height: 844 });
    await signIn(page, 'advisor.console', 'advisor-password-123');
    await page.locator('#vector-count').waitFor();
    await expect(page.getByRole('link', { name: 'Overview', exact: true }).count()).resolves.toBe(1);
    for (const name of ['Users', 'Index versions', 'Jobs', 'Documents', 'Audit log']) {
      await expect(page.getByRole('link', { name, exact: true }).count()).resolves.toBe(0);
    }
    await expect(page.getByRole('button', { name: /Activate|Create user|Force build|Sync now/ }).count()).resolves.toBe(0);
    await shot(page, 'overview-advisor-390');
    // The same session forges what the page does not offer: the API refuses it.
    const forged = await page.evaluate(async () => {
      const session = await fetch('/v1/auth/console/refresh', { method: 'POST', headers: { 'x-apfa-console': '1' } });
      const { access_token: accessToken } = (await session.json()) as { access_token: string };
      const attempts = [
        fetch('/admin/users', { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'forged', password: 'forged-password-123', role: 'super_admin' }) }),
        fetch('/admin/index/versions/0123456789abcdef/activate', { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } }),
      ];
      return Promise.all(attempts.map(async (attempt) => {
        const response = await attempt;
        return { status: response.status, type: response.headers.get('content-type') };
      }));
    });
    for (const answer of forged) {
      expect(answer.status).toBe(403);
      expect(answer.type).toMatch(/problem\+json/);
    }
    await context.close();
  }, 60_000);

  it('(7) a cross-site form POST to the cookie routes is refused (403 from the CSRF guard; SameSite=Strict also keeps the cookie off it)', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    // Another site (a different origin: localhost vs 127.0.0.1) posts a form to the refresh route.
    const attacker = await context.newPage();
    const answers: { url: string; status: number }[] = [];
    attacker.on('response', (response) => answers.push({ url: response.url(), status: response.status() }));
    const port = new URL(core.url).port;
    await attacker.route(`http://localhost:${port}/attack`, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<form method="post" action="${core.url}/v1/auth/console/refresh"><button>go</button></form>` }),
    );
    await attacker.goto(`http://localhost:${port}/attack`);
    await attacker.getByRole('button', { name: 'go' }).click();
    await attacker.waitForLoadState();
    // The same POST with the cookie attached (a browser without SameSite) is refused too: see 'refuses a session request … (CSRF)' above.
    const refresh = answers.find((answer) => answer.url.endsWith('/v1/auth/console/refresh'));
    expect(refresh?.status).toBe(403);
    await expect(attacker.locator('body').textContent()).resolves.toContain('console');
    await context.close();
    await page.close().catch(() => undefined);
  }, 60_000);

  it('(8) Batch progress follows a re-embed live: every batch listed as finished, documents/s and the publish shown', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Batch progress', exact: true }).click();
    await page.getByRole('heading', { name: 'Batch progress' }).waitFor();
    // Started after the page is open: the page learns of the new run from the feed and follows it.
    const token = await getToken(core.url, 'admin', core.adminPassword);
    const started = await fetch(`${core.url}/admin/jobs/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'corpus', mode: 'reembed' }),
    });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    await page.getByRole('link', { name: jobId }).waitFor({ timeout: 30_000 });
    await page.locator('#batches-stage', { hasText: 'Published' }).waitFor({ timeout: 60_000 });
    const finished = (await page.locator('#batches-finished').textContent()) ?? '';
    const [, done, total] = /^(\d+) of (\d+)$/.exec(finished) ?? [];
    expect(Number(total)).toBeGreaterThan(1);
    expect(done).toBe(total);
    await expect(page.locator('tr.batch-row').count()).resolves.toBe(Number(total));
    await expect(page.locator('progress#batches-progress').getAttribute('value')).resolves.toBe('100');
    const embedded = (await page.locator('#batches-embedded').textContent()) ?? '';
    expect(embedded).toMatch(/^([\d,]+) of \1$/);
    await expect(page.locator('#batches-rate').textContent()).resolves.toMatch(/^\d+(\.\d)?$/);
    await expect(page.locator('#batches-eta').textContent()).resolves.toMatch(/^\d+(\.\d)? m?s$/);
    await shot(page, 'batches');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'batches-390');
    // The run's page by URL (a reload: everything from the job API, nothing from the feed).
    await page.goto(`${core.url}/console#/batches/${encodeURIComponent(jobId)}`);
    await page.locator('#batches-finished', { hasText: `${total} of ${total}` }).waitFor({ timeout: 15_000 });
    await page.locator('#batches-stage', { hasText: 'Published' }).waitFor();
    await expect(page.locator('tr.batch-row').count()).resolves.toBe(Number(total));
    await context.close();
  }, 120_000);

  it('(paging) Users pages forward and back with Next and Previous, 25 a page', async () => {
    const token = await getToken(core.url, 'admin', core.adminPassword);
    for (let i = 0; i < 26; i++) {
      const created = await fetch(`${core.url}/admin/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: `pager.${String(i).padStart(2, '0')}`, password: 'pager-password-123', role: 'financial_advisor' }),
      });
      expect(created.status).toBe(201);
    }
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    const previous = page.getByRole('button', { name: 'Previous page' });
    const next = page.getByRole('button', { name: 'Next page' });
    // The users table is the page's first table; the signing keys' table below it may fill first.
    const users = page.locator('table.stack-narrow').first();
    const firstUser = () => users.locator('tbody tr td').first().textContent();
    await users.locator('tbody tr').first().waitFor();
    const onFirst = await firstUser();
    expect(await previous.isDisabled()).toBe(true);
    expect(await next.isEnabled()).toBe(true);
    await next.click();
    await page.waitForFunction((shown) => document.querySelector('table.stack-narrow')?.querySelector('tbody tr td')?.textContent !== shown, onFirst);
    expect(await previous.isEnabled()).toBe(true);
    await previous.click();
    await page.waitForFunction((shown) => document.querySelector('table.stack-narrow')?.querySelector('tbody tr td')?.textContent === shown, onFirst);
    expect(await previous.isDisabled()).toBe(true);
    await context.close();
  }, 60_000);

  it('(pages) Users and Audit log render for super_admin at 1280x800; no CSP or script error anywhere', async () => {
    const { context, page } = await open();
    await signIn(page, 'admin', core.adminPassword);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('cell', { name: 'advisor.console', exact: true }).first().waitFor();
    await shot(page, 'users');
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('cell', { name: 'user.create' }).first().waitFor();
    await shot(page, 'audit');
    await context.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
