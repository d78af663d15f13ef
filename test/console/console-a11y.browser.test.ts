import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Result } from 'axe-core';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type StartedCore } from '../support/start-core.ts';
import { CHROMIUM, hasChromium, launchHeadlessChromium, signInToConsole } from '../support/headless-chromium.ts';

// axe-core on every console page (and the states a page changes into), at 1280x800 and 390 px wide;
// serious and critical violations fail. At 390 px nothing may scroll the page sideways.
const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../.artifacts/console');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let core: StartedCore;
beforeAll(async () => {
  core = await startCore({ EMBEDDER: 'lexical', INGEST_BATCH_SIZE: '16' });
}, 120_000);
afterAll(async () => core?.stop());

if (!hasChromium && !process.env.CI) console.warn(`skipping the console accessibility check: no Chromium at ${CHROMIUM}`);

describe.skipIf(!hasChromium && !process.env.CI)('console accessibility (axe-core) and the 390 px layout', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!hasChromium) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium); required when CI is set`);
    browser = await launchHeadlessChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => browser?.close());

  /** axe's serious and critical violations on the page as it is now, as readable lines. */
  const audit = async (page: Page): Promise<string[]> => {
    // The console's CSP refuses inline scripts: the context bypasses it for the injected axe only.
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
    const violations = (await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: unknown[] }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations;
    })) as Result[];
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.impact} ${violation.id} (${violation.help}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  };

  /** Sideways overflow at the current width: the page's scroll width, and the widest elements that stick out. */
  const overflow = (page: Page) =>
    page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > width + 1 && !element.closest('.table-wrap'))
        .slice(0, 5)
        .map((element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}`);
      return { scrollWidth: document.scrollingElement!.scrollWidth, wide };
    });

  /**
   * Walks the page with Tab: every visible link, button, field and focusable region must take the
   * focus at some point. Returns those that never did.
   */
  const unreachable = async (page: Page): Promise<string[]> => {
    const count = await page.evaluate(() => {
      const selector = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
      const targets = [...document.querySelectorAll<HTMLElement>(selector)].filter((element) => element.getClientRects().length > 0);
      targets.forEach((element, index) => (element.dataset.keyboardProbe = String(index)));
      (document.activeElement as HTMLElement | null)?.blur();
      return targets.length;
    });
    const reached = new Set<string>();
    // Tab goes on from the last focused element and wraps round; date-time fields take several presses each.
    for (let press = 0; press < count * 8 + 10 && reached.size < count; press++) {
      await page.keyboard.press('Tab');
      const probe = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.keyboardProbe);
      if (probe !== undefined) reached.add(probe);
    }
    return page.evaluate((seen) => {
      const missed = [...document.querySelectorAll<HTMLElement>('[data-keyboard-probe]')].filter((element) => !seen.includes(element.dataset.keyboardProbe!));
      document.querySelectorAll<HTMLElement>('[data-keyboard-probe]').forEach((element) => delete element.dataset.keyboardProbe);
      return missed.map((element) => `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`);
    }, [...reached]);
  };

  const signIn = (page: Page) => signInToConsole(page, core.url, 'admin', core.adminPassword);

  /** Every page and state checked: [name, how to get there (from a signed-in page)]. */
  const states: Array<[string, (page: Page) => Promise<void>]> = [
    ['overview', async (page) => void (await page.locator('#live-version').waitFor())],
    ['jobs', async (page) => {
      await page.getByRole('link', { name: 'Jobs', exact: true }).click();
      await page.getByRole('link', { name: /^ingest\./ }).first().waitFor();
    }],
    ['jobs-confirm', async (page) => {
      await page.getByRole('button', { name: 'Force build' }).click();
      await page.getByRole('button', { name: 'Keep' }).waitFor();
    }],
    ['job-detail', async (page) => {
      await page.getByRole('button', { name: 'Keep' }).click();
      await page.getByRole('link', { name: /^ingest\./ }).first().click();
      await page.locator('#job-state').waitFor();
    }],
    ['batches', async (page) => {
      await page.getByRole('link', { name: 'Batch progress', exact: true }).click();
      await page.locator('#batches-finished').waitFor();
      await page.locator('tr.batch-row').first().waitFor();
    }],
    ['index-versions', async (page) => {
      await page.getByRole('link', { name: 'Index versions', exact: true }).click();
      await page.locator('tr[data-version]').first().waitFor();
    }],
    ['documents', async (page) => {
      await page.getByRole('link', { name: 'Documents', exact: true }).click();
      await page.getByLabel('Documents file').waitFor();
    }],
    ['documents-rejected', async (page) => {
      const file = join(tmpdir(), `apfa-a11y-${process.pid}-${page.viewportSize()?.width}.csv`);
      writeFileSync(file, 'id,title,text\na11y-short,Short,Too short to be a document.\nbad id,Bad,"An escrow account holds money for taxes and insurance."\n');
      await page.getByLabel('Documents file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.locator('tr.rejected-row').first().waitFor();
    }],
    ['users', async (page) => {
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.locator('#main td').filter({ hasText: /^admin$/ }).first().waitFor();
    }],
    ['audit', async (page) => {
      await page.getByRole('link', { name: 'Audit log', exact: true }).click();
      await page.locator('table tbody tr').first().waitFor();
    }],
  ];

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    it(`has no serious or critical axe violation on any page at ${viewport.width} px${viewport.width === 390 ? ', and nothing wider than the screen' : ', and every control is reached with Tab'}`, async () => {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      const found: string[] = [];
      const wide: string[] = [];
      await page.goto(`${core.url}/console`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      found.push(...(await audit(page)).map((line) => `sign-in: ${line}`));
      // The check can fail: a button without a name is reported (then removed again).
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { id: 'axe-probe' })));
      expect((await audit(page)).join('\n')).toMatch(/critical button-name .*#axe-probe/);
      await page.evaluate(() => document.getElementById('axe-probe')?.remove());
      await signIn(page);
      for (const [name, reach] of states) {
        await reach(page);
        await page.getByRole('status', { name: 'Live feed' }).getByText('live').waitFor();
        found.push(...(await audit(page)).map((line) => `${name}: ${line}`));
        if (viewport.width === 1280) found.push(...(await unreachable(page)).map((line) => `${name}: not reachable with Tab: ${line}`));
        if (viewport.width === 390) {
          const measured = await overflow(page);
          if (measured.scrollWidth > 390) wide.push(`${name}: scrollWidth ${measured.scrollWidth} (${measured.wide.join(', ')})`);
          await page.screenshot({ path: join(SCREENSHOT_DIR, `a11y-${name}-390.png`), fullPage: true });
        }
      }
      expect(found).toEqual([]);
      expect(wide).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
