import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Node-only constructs in a TypeScript source, one line per finding. */
function nodeOnlyUses(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const findings: string[] = [];
  const specifiers = [
    ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((match) => match[1]!);
  for (const specifier of specifiers) {
    const root = specifier.split('/')[0]!;
    if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(root)) findings.push(`imports ${specifier}`);
  }
  if (/\bBuffer\b/.test(code)) findings.push('uses Buffer');
  if (/\bprocess\s*\./.test(code)) findings.push('uses process.');
  if (/\brequire\s*\(/.test(code)) findings.push('uses require(');
  if (/\b__(dirname|filename)\b/.test(code)) findings.push('uses __dirname/__filename');
  return findings;
}

describe('shared/ and edge/ are web-standard only', () => {
  it('the detector finds Node-only code', () => {
    expect(nodeOnlyUses("import { readFileSync } from 'node:fs';")).toEqual(['imports node:fs']);
    expect(nodeOnlyUses("import path from 'path';\nimport { x } from 'fs/promises';")).toEqual(['imports path', 'imports fs/promises']);
    expect(nodeOnlyUses("const c = await import('crypto');")).toEqual(['imports crypto']);
    expect(nodeOnlyUses("import 'http';")).toEqual(['imports http']);
    expect(nodeOnlyUses('const b = Buffer.from("x"); const e = process.env.X; const m = require("x");')).toEqual([
      'uses Buffer',
      'uses process.',
      'uses require(',
    ]);
    expect(nodeOnlyUses("// Buffer is not used here\nimport { z } from '@hono/zod-openapi';\nimport { a } from './crypto.ts';")).toEqual([]);
  });

  const files = [...sources(join(repoRoot, 'shared')), ...sources(join(repoRoot, 'edge'))];

  it('finds the sources, nested folders included', () => {
    const names = files.map((path) => relative(repoRoot, path).split(/[\\/]/).join('/'));
    expect(names).toEqual(expect.arrayContaining(['shared/policy/text-policy.ts', 'shared/http/json-body-guard.ts', 'edge/app.ts', 'edge/cache/advice-cache.ts']));
    expect(names.every((name) => name.endsWith('.ts'))).toBe(true);
  });

  it('covers the Node builtins a worker cannot load', () => {
    const named = ['fs', 'path', 'crypto', 'buffer', 'http', 'https', 'os', 'child_process', 'stream', 'url', 'util', 'net', 'tls', 'zlib', 'events', 'worker_threads'];
    expect(named.filter((name) => nodeOnlyUses(`import x from '${name}';`).length !== 1)).toEqual([]);
    expect(named.filter((name) => nodeOnlyUses(`export { y } from 'node:${name}';`).length !== 1)).toEqual([]);
    expect(nodeOnlyUses('const dir = __dirname;')).toEqual(['uses __dirname/__filename']);
  });

  it('has no Node-only code in any shared/ or edge/ source', () => {
    const offenders = files.flatMap((path) => nodeOnlyUses(readFileSync(path, 'utf8')).map((finding) => `${relative(repoRoot, path)}: ${finding}`));
    expect(offenders, `Node-only code in web-standard folders:\n${offenders.join('\n')}`).toEqual([]);
  });
});
