#!/usr/bin/env node
// Runs vitest (arguments pass through) and ends with one plain summary line,
// "N passed, N failed, N skipped", that any CI can read; exits with vitest's status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'apfa-vitest-'));
const output = join(dir, 'results.json');
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let status = result.status ?? 1;
if (existsSync(output)) {
  const report = JSON.parse(readFileSync(output, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`\ntests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
  if (report.numTotalTests === 0) status = status || 1;
} else {
  console.log('\ntests: 0 passed, 1 failed (vitest wrote no report)');
  status = status || 1;
}
rmSync(dir, { recursive: true, force: true });
process.exit(status);
