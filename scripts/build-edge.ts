/**
 * Bundles the edge Worker (edge/worker.ts) into one ES module, dist/edge/worker.js, the way
 * workerd loads it: platform-neutral, `workerd`/`worker`/`browser` export conditions (web-crypto
 * jose, fetch-based Upstash client), no Node built-ins. `npm run build:edge`; tests call buildEdge().
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const EDGE_ENTRY = join(repoRoot, 'edge/worker.ts');
export const EDGE_BUNDLE = join(repoRoot, 'dist/edge/worker.js');

export interface EdgeBuild {
  outfile: string;
  bytes: number;
}

/** Builds the bundle; rejects with esbuild's errors when it fails. */
export async function buildEdge(options: { outfile?: string } = {}): Promise<EdgeBuild> {
  const outfile = options.outfile ?? EDGE_BUNDLE;
  await build({
    entryPoints: [EDGE_ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return { outfile, bytes: statSync(outfile).size };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  buildEdge().then(
    ({ outfile, bytes }) => {
      process.stdout.write(`built ${outfile.slice(repoRoot.length + 1)}: ${(bytes / 1024).toFixed(1)} KiB\n`);
    },
    (error: unknown) => {
      process.stderr.write(`edge build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
