import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getToken, startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../../support/start-core.ts';

/** Every path under root with its permission bits (symbolic links skipped). */
function walk(root: string): Array<{ path: string; mode: number; directory: boolean }> {
  const out: Array<{ path: string; mode: number; directory: boolean }> = [];
  const visit = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    out.push({ path, mode: stats.mode & 0o777, directory: stats.isDirectory() });
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out;
}

const TEXT = 'An escrow account holds money for property taxes and homeowners insurance, paid with the monthly mortgage payment.';

describe('files core writes under APFA_DATA_DIR are owner-only', () => {
  let core: StartedCore;
  let stopped = false;
  let previousUmask: number;

  beforeAll(async () => {
    // The usual umask of a login shell: what the review ran under.
    previousUmask = process.umask(0o022);
    core = await startCore({ EMBEDDER: 'lexical' });
  });
  afterAll(async () => {
    if (core && !stopped) await core.stop({ keepData: true });
    if (core) rmSync(core.dataDir, { recursive: true, force: true });
    process.umask(previousUmask);
  });

  it('after a user, an upload and a sync, nothing is readable or writable by group or others (PGlite, index versions, uploads)', async () => {
    const token = await getToken(core.url, 'admin', TEST_ADMIN_PASSWORD);
    const call = (path: string, body: unknown) =>
      core.runtime.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await call('/admin/users', { username: 'modes-user', password: 'a-long-password-for-modes-1', role: 'user' })).status).toBe(201);
    expect((await call('/admin/documents', { documents: [{ id: 'uploads/escrow-modes', title: 'Escrow accounts', text: TEXT }] })).status).toBeLessThan(300);
    expect((await call('/admin/jobs/sync', { source: 'corpus', mode: 'reembed' })).status).toBe(202);
    await core.runtime.untilJobsIdle();

    // While core runs: the data folder and the folders in it are 0700, so nothing inside is reachable.
    for (const folder of [core.dataDir, join(core.dataDir, 'pglite'), join(core.dataDir, 'objects')]) {
      expect(lstatSync(folder).mode & 0o777, folder).toBe(0o700);
    }

    await core.stop({ keepData: true });
    stopped = true;
    const entries = walk(core.dataDir);
    expect(entries.filter((entry) => entry.path.includes(`${join(core.dataDir, 'pglite')}/`)).length).toBeGreaterThan(500);
    expect(entries.filter((entry) => entry.path.includes(`${join(core.dataDir, 'objects')}/`) && !entry.directory).length).toBeGreaterThan(0);
    const open = entries.filter((entry) => (entry.mode & 0o077) !== 0).map((entry) => `${entry.mode.toString(8)} ${entry.path}`);
    expect(open).toEqual([]);
  });
});
