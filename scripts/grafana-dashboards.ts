import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dashboardFiles } from './grafana/dashboard-files.ts';

/**
 * `npm run dashboards`: writes the Grafana dashboards (deploy/grafana/dashboards/*.json) from their
 * TypeScript sources in scripts/grafana/. With `--check` it writes nothing and exits 1 when a
 * committed file differs from what the sources generate (test/deploy/grafana-dashboards.test.ts
 * runs the same comparison).
 */
const check = process.argv.includes('--check');
const root = new URL('../', import.meta.url);
let stale = 0;
for (const { path, json } of dashboardFiles()) {
  const file = fileURLToPath(new URL(path, root));
  const committed = await readFile(file, 'utf8').catch(() => null);
  if (committed === json) continue;
  if (check) {
    stale += 1;
    console.error(`${path} is out of date: run npm run dashboards`);
  } else {
    await writeFile(file, json);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
