import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('edge/ is web-standard only', () => {
  it.each(sources(join(repoRoot, 'edge')).map((path) => [relative(repoRoot, path), path]))('%s uses no Node built-ins or globals', (_name, path) => {
    const code = readFileSync(path, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    expect(code).not.toMatch(/from\s+['"]node:|import\(\s*['"]node:|require\(/);
    expect(code).not.toMatch(/\bBuffer\b/);
    expect(code).not.toMatch(/\bprocess\s*\./);
    const relativeImports = [...code.matchAll(/from\s+['"](\.{1,2}\/[^'"]*)['"]/g)].map((match) => match[1]);
    expect(relativeImports.filter((specifier) => !specifier?.endsWith('.ts'))).toEqual([]);
  });
});
