import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_REFERENCE_CSP } from '../../../core/routes/api-reference-routes.ts';
import { startCore, type StartedCore } from '../../support/start-core.ts';
import { CHROMIUM, hasChromium, launchHeadlessChromium } from '../../support/headless-chromium.ts';

const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../../.artifacts');
const skipReason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); required when CI is set`;

let core: StartedCore;
beforeAll(async () => {
  core = await startCore({ EMBEDDER: 'lexical' });
});
afterAll(async () => core?.stop());

describe('/docs headers', () => {
  it('serves a page with no inline script under a strict CSP and nosniff', async () => {
    const response = await fetch(`${core.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(API_REFERENCE_CSP);
    expect(API_REFERENCE_CSP).toContain("script-src 'self'");
    expect(API_REFERENCE_CSP).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/docs\/assets\/[\w.-]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the Swagger UI files from node_modules with their types, and nothing else', async () => {
    const bundle = await fetch(`${core.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(bundle.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    const css = await fetch(`${core.url}/docs/assets/swagger-ui.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    await css.arrayBuffer();
    const init = await fetch(`${core.url}/docs/assets/init.js`);
    expect(await init.text()).toContain('SwaggerUIBundle(');
    const other = await fetch(`${core.url}/docs/assets/package.json`);
    expect(other.status).toBe(404);
    await other.arrayBuffer();
  });
});

if (!hasChromium && !process.env.CI) console.warn(`skipping /docs in Chromium: ${skipReason}`);

describe.skipIf(!hasChromium && !process.env.CI)('/docs in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!hasChromium) throw new Error(skipReason);
    browser = await launchHeadlessChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the operations from local files only, with no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    const response = await page.goto(`${core.url}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.getByText('/v1/advice', { exact: true }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await expect(page.getByText('/v1/auth/token', { exact: true }).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText('/admin/users', { exact: true }).first().isVisible()).resolves.toBe(true);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'docs-offline.png'), fullPage: false });

    const origin = new URL(core.url).origin;
    const elsewhere = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    expect(elsewhere).toEqual([]);
    expect(requested).toContain(`${origin}/openapi.json`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
