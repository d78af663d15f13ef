#!/usr/bin/env node
// Checks the layer rules in .dependency-cruiser.cjs (edge/ and shared/ import neither core/ nor Node
// builtins; no file-level import cycle; no two folders that depend on each other) over the source
// folders of a tree: this repository, or the one given as the first argument (the rule tests run it
// on small fixture trees). Exits non-zero with dependency-cruiser's report when a rule is broken.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(process.argv[2] ?? repo);
const folders = ['core', 'edge', 'shared', 'dev', 'scripts', 'bench', 'test'].filter((folder) => existsSync(join(root, folder)));
if (folders.length === 0) {
  console.error(`check-layers: no source folders under ${root}`);
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  [join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'err-long', ...folders],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
