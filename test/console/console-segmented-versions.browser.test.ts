import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { getToken, startCore, type StartedCore } from '../support/start-core.ts';
import { hasChromium, launchHeadlessChromium, signInToConsole } from '../support/headless-chromium.ts';

// The Index versions page with segments on (docs/segments.md): an upload publishes a delta, and the
// page shows that segmented version with its base and delta count, live, and the base activatable.
let core: StartedCore;
let token: string;

type VersionList = { live: string | null; versions: { version: string; kind: string; live: boolean; manifest: { base?: { version: string }; deltas?: string[] } }[] };
const versions = async (): Promise<VersionList> =>
  (await (await fetch(`${core.url}/admin/index/versions`, { headers: { authorization: `Bearer ${token}` } })).json()) as VersionList;

beforeAll(async () => {
  core = await startCore({ EMBEDDER: 'lexical', INDEX_SEGMENTS: 'on' });
  token = await getToken(core.url, 'admin', core.adminPassword);
  await eventually(async () => ((await versions()).live ? true : null), 'the first version', 60_000);
}, 120_000);
afterAll(async () => core?.stop());

describe.skipIf(!hasChromium)('console: segmented index versions', () => {
  it('lists the delta version an upload published as "segmented: <base> + 1 delta", live, beside its base', async () => {
    const base = (await versions()).live!;
    const upload = await fetch(`${core.url}/admin/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ documents: [{ id: 'console-seg-1', title: 'Segmented note', text: 'A small change is published as a delta segment on top of its base.' }] }),
    });
    expect(upload.status).toBe(200);
    const segmented = await eventually(async () => {
      const list = await versions();
      return list.versions.find((entry) => entry.kind === 'segmented' && entry.live) ?? null;
    }, 'a live segmented version', 60_000);
    expect(segmented.manifest.base?.version).toBe(base);

    const browser = await launchHeadlessChromium();
    try {
      const page = await browser.newPage();
      await signInToConsole(page, core.url, 'admin', core.adminPassword);
      await page.getByRole('link', { name: 'Index versions', exact: true }).click();
      const row = page.locator(`tr.live[data-version="${segmented.version}"]`);
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain(`segmented: ${base} + 1 delta`);
      // Its live documents: the base's 55 and the one uploaded.
      await expect(row.locator('td').nth(4).textContent()).resolves.toBe('56');
      await expect(page.locator(`tr[data-version="${base}"]`).getByRole('button', { name: `Activate ${base}` }).count()).resolves.toBe(1);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
