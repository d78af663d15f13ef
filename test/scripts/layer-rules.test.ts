import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CHECK = join(import.meta.dirname, '../../scripts/check-layers.mjs');
const temporary: string[] = [];

interface Checked {
  code: number;
  /** Names of the rules reported as broken, in report order, without repeats. */
  broken: string[];
  output: string;
}

/** Runs `scripts/check-layers.mjs` (what `npm run lint:layers` runs) on a tree. */
async function checkLayers(root?: string): Promise<Checked> {
  try {
    const { stdout, stderr } = await run(process.execPath, root ? [CHECK, root] : [CHECK], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, broken: brokenRules(stdout + stderr), output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    return { code: typeof failed.code === 'number' ? failed.code : 1, broken: brokenRules(output), output };
  }
}

function brokenRules(output: string): string[] {
  return [...new Set([...output.matchAll(/^\s*error ([\w-]+):/gm)].map((match) => match[1]!))];
}

/** A small tree shaped like the repo (tsconfig, ESM, `.ts` imports): the base every case adds to. */
const BASE: Record<string, string> = {
  'package.json': '{ "type": "module" }\n',
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true, noEmit: true, strict: true },
  }),
  'shared/text/words.ts': "export const words = (text: string): string[] => text.split(' ');\n",
  'edge/app.ts': "import { words } from '../shared/text/words.ts';\nexport const count = (text: string) => words(text).length;\n",
  'core/ports/store.ts': 'export interface Store { get(key: string): string | undefined }\n',
  'core/store/memory-store.ts':
    "import type { Store } from '../ports/store.ts';\nimport { words } from '../../shared/text/words.ts';\nexport const store: Store = { get: (key) => words(key)[0] };\n",
};

async function tree(extra: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'apfa-layers-'));
  temporary.push(root);
  for (const [path, text] of Object.entries({ ...BASE, ...extra })) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

afterAll(async () => {
  await Promise.all(temporary.map((root) => rm(root, { recursive: true, force: true })));
});

describe('layer rules (npm run lint:layers)', () => {
  it('passes a tree that keeps them (the base every failing case starts from)', async () => {
    const checked = await checkLayers(await tree({}));
    expect(checked.broken).toEqual([]);
    expect(checked.code, checked.output).toBe(0);
  });

  it('fails when edge/ imports core/', async () => {
    const checked = await checkLayers(await tree({ 'edge/uses-core.ts': "import { store } from '../core/store/memory-store.ts';\nexport const first = store.get('a');\n" }));
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['edge-shared-not-core']);
  });

  it('fails when shared/ imports core/, even for a type only', async () => {
    const checked = await checkLayers(await tree({ 'shared/uses-core.ts': "import type { Store } from '../core/ports/store.ts';\nexport type Shared = Store;\n" }));
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['edge-shared-not-core']);
  });

  it('fails when shared/ imports a node: builtin', async () => {
    const checked = await checkLayers(await tree({ 'shared/hash.ts': "import { createHash } from 'node:crypto';\nexport const hash = (text: string) => createHash('sha256').update(text).digest('hex');\n" }));
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['edge-shared-no-node-builtins']);
  });

  it('fails when edge/ imports a Node builtin without the node: prefix', async () => {
    const checked = await checkLayers(await tree({ 'edge/read.ts': "import { readFileSync } from 'fs';\nexport const read = (path: string) => readFileSync(path, 'utf8');\n" }));
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['edge-shared-no-node-builtins']);
  });

  it('fails on an import cycle between two files of one folder', async () => {
    const checked = await checkLayers(
      await tree({
        'core/store/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n",
        'core/store/b.ts': "import { a } from './a.ts';\nexport const b = (): number => (Math.random() > 2 ? a() : 0);\n",
      }),
    );
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['no-file-cycles']);
  });

  it('fails when two folders depend on each other with no file-level cycle', async () => {
    // core/store/memory-store.ts already uses core/ports; a port that imports from core/store closes
    // the loop between the folders although no file imports itself back.
    const checked = await checkLayers(
      await tree({
        'core/store/store-key.ts': 'export type StoreKey = string;\n',
        'core/ports/keyed-store.ts': "import type { StoreKey } from '../store/store-key.ts';\nexport interface KeyedStore { get(key: StoreKey): string | undefined }\n",
      }),
    );
    expect(checked.code).not.toBe(0);
    expect(checked.broken).toEqual(['no-folder-cycles']);
  });

  it('passes on this repository', async () => {
    const checked = await checkLayers();
    expect(checked.broken, checked.output).toEqual([]);
    expect(checked.code, checked.output).toBe(0);
  });
});
