/** `npm run bench`: every benchmark in turn; each prints its numbers and writes bench/results/<name>.json. */
import { spawnSync } from 'node:child_process';

const benchmarks = ['bench/index-build.ts', 'bench/core-advice.ts', 'bench/edge-cache-hit.ts'];
let failed = 0;
for (const script of benchmarks) {
  console.log(`\n=== ${script}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
