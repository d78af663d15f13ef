import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's package (apt-get install -y chromium; .ci/run and scripts/ensure-chromium.mjs install it), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/**
 * Headless Chromium as every browser test launches it: the system browser (no download) with the
 * flags that keep it off the network (without them it floods a closed network with update and
 * background requests).
 */
export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Signs in through the console's form and waits for the signed-in page. */
export async function signInToConsole(page: Page, coreUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${coreUrl}/console`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
