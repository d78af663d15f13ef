import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { planDataReset } from '../../scripts/reset-data.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const folders: string[] = [];

function dataFolder(entries: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'apfa-reset-'));
  folders.push(root);
  const dataDir = join(root, 'data');
  for (const entry of entries) {
    mkdirSync(join(dataDir, entry), { recursive: true });
    writeFileSync(join(dataDir, entry, 'file'), 'x');
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(root, 'beside'), 'must survive');
  return dataDir;
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('planDataReset', () => {
  it('removes the database and object store, keeps models unless asked', () => {
    const dataDir = dataFolder(['pglite', 'objects', 'models']);
    const plan = planDataReset(dataDir);
    expect(plan.remove.sort()).toEqual([join(dataDir, 'objects'), join(dataDir, 'pglite')]);
    expect(plan.keep).toEqual(['models']);
    expect(planDataReset(dataDir, { includeModels: true }).remove).toHaveLength(3);
  });

  it('refuses the repository, the home folder, the file-system root and their ancestors', () => {
    expect(() => planDataReset(repoRoot, { protectedFolders: [repoRoot] })).toThrow(/Refusing/);
    expect(() => planDataReset(resolve(repoRoot, '..'), { protectedFolders: [repoRoot] })).toThrow(/Refusing/);
    expect(() => planDataReset(homedir())).toThrow(/Refusing/);
    expect(() => planDataReset('/')).toThrow(/Refusing/);
    expect(() => planDataReset(join(repoRoot, '.data'), { protectedFolders: [repoRoot] })).not.toThrow();
  });

  it('refuses a folder holding anything core did not write', () => {
    const dataDir = dataFolder(['pglite', 'my-photos']);
    expect(() => planDataReset(dataDir)).toThrow(/"my-photos"/);
  });

  it('says that PostgreSQL and S3 data are not touched', () => {
    const plan = planDataReset(dataFolder([]), { env: { DATABASE_URL: 'postgres://x/y', S3_ENDPOINT: 'http://127.0.0.1:9000' } });
    expect(plan.notes.join('\n')).toMatch(/PostgreSQL database is not touched[\s\S]*bucket is not touched/);
  });
});

describe('npm run reset', () => {
  const reset = (dataDir: string, args: string[]) =>
    run('npm', ['run', '--silent', 'reset', '--', ...args], { cwd: repoRoot, env: { ...process.env, APFA_DATA_DIR: dataDir } }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('without --yes and without a terminal deletes nothing; with --yes deletes only inside the folder', async () => {
    const dataDir = dataFolder(['pglite', 'objects', 'models']);
    const refused = await reset(dataDir, []);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect(readdirSync(dataDir).sort()).toEqual(['models', 'objects', 'pglite']);

    const done = await reset(dataDir, ['--yes']);
    expect(done.code).toBe(0);
    expect(readdirSync(dataDir)).toEqual(['models']);
    expect(existsSync(join(dataDir, '..', 'beside'))).toBe(true);
  });

  it('refuses a folder that is not an APFA data folder and leaves it as it was', async () => {
    const dataDir = dataFolder(['pglite', 'notes']);
    const refused = await reset(dataDir, ['--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refusing[\s\S]*"notes"/);
    expect(readdirSync(dataDir).sort()).toEqual(['notes', 'pglite']);
  });
});
