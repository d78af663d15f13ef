import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardFiles } from '../../scripts/grafana/dashboard-files.ts';
import { PROMETHEUS_DATASOURCE } from '../../scripts/grafana/dashboard-parts.ts';

/**
 * The Grafana dashboards: the committed JSON is what the TypeScript sources (scripts/grafana/,
 * @grafana/grafana-foundation-sdk) generate, every panel reads the provisioned Prometheus data
 * source, and the provisioning files load them. Their metric names are checked against live
 * scrapes in metric-names.test.ts.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface PanelJson {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
}

describe('Grafana dashboards', () => {
  it('are up to date with their sources (npm run dashboards), and nothing else is in the folder', async () => {
    const files = dashboardFiles();
    for (const { path: file, json } of files) expect(await readFile(path.join(ROOT, file), 'utf8'), `${file}: run npm run dashboards`).toBe(json);
    const committed = (await readdir(path.join(ROOT, 'deploy/grafana/dashboards'))).map((name) => `deploy/grafana/dashboards/${name}`);
    expect(committed.sort()).toEqual(files.map((file) => file.path).sort());
  });

  it('have unique uids, and every panel queries the provisioned Prometheus data source', async () => {
    const datasources = parse(await readFile(path.join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: PROMETHEUS_DATASOURCE.uid, type: 'prometheus' })]);
    const uids = dashboardFiles().map(({ dashboard }) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { dashboard } of dashboardFiles()) {
      const panels = (dashboard.panels as PanelJson[]).filter((panel) => panel.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const panel of panels) {
        expect(panel.datasource?.uid, panel.title).toBe(PROMETHEUS_DATASOURCE.uid);
        expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(PROMETHEUS_DATASOURCE.uid);
      }
    }
  });

  it('cover what the service overview and workers dashboards must show', () => {
    const titles = (uid: string) => (dashboardFiles().find(({ dashboard }) => dashboard.uid === uid)!.dashboard.panels as PanelJson[]).map((panel) => panel.title).join('\n');
    const overview = titles('apfa-service-overview');
    for (const want of [/Request rate/, /Error rate/, /Latency by route \(p50, p95, p99\)/, /Edge cache hit rate/, /Pipeline stage/, /Embedding batch duration/, /Embedding throughput/, /thresholds/, /Days until 500k/, /Migration urgency/, /search latency/i, /Queue depth/, /success rate/]) {
      expect(overview).toMatch(want);
    }
    const workers = titles('apfa-workers');
    for (const want of [/Live workers/, /heatmap/, /Throughput/, /Failures/, /CPU/, /memory/]) expect(workers).toMatch(want);
  });
});
