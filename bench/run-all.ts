/**
 * `npm run bench [-- --only generation,retrieval] [options]`: every benchmark in turn, each in its
 * own process; each prints its numbers and writes bench/results/<name>.json. Other options are
 * passed to every benchmark (each reads the ones it knows). Names are the `bench:<name>` scripts.
 */
import { spawnSync } from 'node:child_process';

interface Benchmark {
  name: string;
  script: string;
  /** Node flags the script needs (as its npm script passes them). */
  node?: string[];
  args?: string[];
}

const benchmarks: Benchmark[] = [
  { name: 'index', script: 'bench/index-build.ts' },
  { name: 'advice', script: 'bench/core-advice.ts' },
  { name: 'edge', script: 'bench/edge-cache-hit.ts' },
  { name: 'embedding', script: 'bench/embedding.ts' },
  // bench:retrieval runs the embedding benchmark first by itself; here it has its own step above.
  { name: 'retrieval', script: 'bench/retrieval.ts', node: ['--expose-gc'], args: ['--skip-embedding'] },
  { name: 'quality', script: 'bench/retrieval-quality.ts' },
  { name: 'indexing', script: 'bench/indexing-pipeline.ts' },
  { name: 'swap', script: 'bench/swap-latency.ts' },
  { name: 'generation', script: 'bench/generation.ts' },
];

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
const passed = onlyAt >= 0 ? [...argv.slice(0, onlyAt), ...argv.slice(onlyAt + 2)] : argv;
const unknown = [...(only ?? [])].filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
if (unknown.length > 0 || only?.size === 0) {
  console.error(`--only takes a comma-separated list of ${benchmarks.map((benchmark) => benchmark.name).join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const benchmark of benchmarks.filter((candidate) => only === undefined || only.has(candidate.name))) {
  console.log(`\n=== ${benchmark.name}: ${benchmark.script}`);
  const result = spawnSync(process.execPath, [...(benchmark.node ?? []), '--import', 'tsx', benchmark.script, ...(benchmark.args ?? []), ...passed], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(benchmark.name);
}
if (failed.length > 0) console.error(`\nfailed: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
