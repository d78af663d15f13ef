import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { getToken, startCore, type StartedCore } from '../support/start-core.ts';
import { exportedSeriesNames, promqlSelectors, type Selector } from './support/promql-selectors.ts';

/**
 * Every metric an alert, a dashboard panel or the worker autoscaler queries exists in what core
 * and the worker really export: the PromQL is parsed (Prometheus's grammar), and each selector's
 * metric is looked up in live scrapes of a real core (after one advice call and one sync) and of a
 * real worker process's WORKER_METRICS_PORT. A selector pinned to `job="apfa-worker"` must be in
 * the worker's scrape, `job="apfa-core"` in core's; others in either. Renaming a family in
 * core/metrics/ without the queries fails here.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOBS = { core: 'apfa-core', worker: 'apfa-worker' } as const;
// Series Prometheus itself writes for every target, not the service.
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

interface QueryUse {
  where: string;
  expr: string;
}

async function alertQueries(): Promise<QueryUse[]> {
  const file = parse(await readFile(path.join(ROOT, 'deploy/prometheus/rules/apfa-alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return file.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })));
}

async function dashboardQueries(): Promise<QueryUse[]> {
  const dir = path.join(ROOT, 'deploy/grafana/dashboards');
  const uses: QueryUse[] = [];
  for (const name of (await readdir(dir)).filter((file) => file.endsWith('.json'))) {
    const dashboard = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    for (const panel of dashboard.panels) for (const target of panel.targets ?? []) uses.push({ where: `${name} "${panel.title}"`, expr: target.expr });
  }
  return uses;
}

async function autoscalerQueries(): Promise<QueryUse[]> {
  const dir = path.join(ROOT, 'deploy/kubernetes/base');
  const uses: QueryUse[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((file) => file.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(await readFile(path.join(dir, name), 'utf8'))) {
      const resource = document.toJS() as { kind?: string; spec?: { triggers?: { type: string; metadata: { query?: string } }[] } } | null;
      if (resource?.kind !== 'ScaledObject') continue;
      for (const trigger of resource.spec?.triggers ?? []) if (trigger.type === 'prometheus' && trigger.metadata.query) uses.push({ where: `${name} KEDA trigger`, expr: trigger.metadata.query });
    }
  }
  return uses;
}

/** The uses whose metrics the scrapes do not offer, as readable lines. */
function missingMetrics(uses: readonly QueryUse[], exported: { core: Set<string>; worker: Set<string> }): string[] {
  const missing: string[] = [];
  for (const use of uses) {
    for (const selector of promqlSelectors(use.expr)) {
      if (PROMETHEUS_SERIES.has(selector.metric)) continue;
      if (!offered(selector, exported)) missing.push(`${use.where}: ${selector.metric}${selector.job ? ` (job ${selector.job})` : ''}`);
    }
  }
  return missing;
}

function offered(selector: Selector, exported: { core: Set<string>; worker: Set<string> }): boolean {
  if (selector.job === JOBS.core) return exported.core.has(selector.metric);
  if (selector.job === JOBS.worker) return exported.worker.has(selector.metric);
  return exported.core.has(selector.metric) || exported.worker.has(selector.metric);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function poll<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const stamp = `${process.pid}-${Date.now()}`;
const corePrefix = `test-metric-names-core-${stamp}:`;
const workerPrefix = `test-metric-names-worker-${stamp}:`;
let core: StartedCore;
let worker: ChildProcess;
let workerOutput = '';
let workerDataDir: string;
let uses: QueryUse[];
let scrapes: { core: string; worker: string };

beforeAll(async () => {
  uses = [...(await alertQueries()), ...(await dashboardQueries()), ...(await autoscalerQueries())];
  // A real worker process (`core/main.ts worker`, BullMQ on Redis) with its own /metrics port.
  const port = await freePort();
  workerDataDir = mkdtempSync(path.join(tmpdir(), 'apfa-metric-names-worker-'));
  worker = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['core/main.ts', 'worker'], {
    cwd: ROOT,
    env: {
      ...process.env,
      REDIS_URL: 'redis://127.0.0.1:6379',
      KEY_PREFIX: workerPrefix,
      APFA_DATA_DIR: workerDataDir,
      REQUIRE_EDGE_SIGNATURE: 'false',
      HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
  // A real core (API + in-process BullMQ workers), driven through one advice call and one sync.
  core = await startCore({ REDIS_URL: 'redis://127.0.0.1:6379', KEY_PREFIX: corePrefix, REQUIRE_EDGE_SIGNATURE: 'false' });
  const token = await getToken(core.url, 'admin', core.adminPassword);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const advice = await fetch(`${core.url}/v1/advice`, { method: 'POST', headers, body: JSON.stringify({ query: 'What is PMI and when can I drop it?' }) });
  expect(advice.status).toBe(200);
  const sync = await fetch(`${core.url}/admin/jobs/sync`, { method: 'POST', headers, body: JSON.stringify({ source: 'corpus', mode: 'force' }) });
  expect(sync.status).toBe(202);
  const coreScrape = await poll(
    async () => {
      const text = await (await fetch(`${core.url}/metrics`)).text();
      return /^apfa_jobs_total\{queue="indexing",name="publish",outcome="completed"\} [2-9]/m.test(text) ? text : undefined;
    },
    60_000,
    "the sync's publish job",
  );
  const workerScrape = await poll(
    async () => {
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode}): ${workerOutput}`);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      return response.ok ? response.text() : undefined;
    },
    60_000,
    `the worker's /metrics on ${port}`,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\nworker output:\n${workerOutput}`);
  });
  scrapes = { core: coreScrape, worker: workerScrape };
}, 180_000);

afterAll(async () => {
  await core?.stop();
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  rmSync(workerDataDir, { recursive: true, force: true });
  const redis = new Redis('redis://127.0.0.1:6379');
  for (const prefix of [corePrefix, workerPrefix]) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
}, 60_000);

describe('metric names in alerts, dashboards and the autoscaler', () => {
  it('reads queries from all three (8 alerts, both dashboards, the KEDA trigger)', () => {
    expect(uses.filter((use) => use.where.startsWith('alert ')).length).toBe(8);
    expect(uses.some((use) => use.where.startsWith('apfa-service-overview.json'))).toBe(true);
    expect(uses.some((use) => use.where.startsWith('apfa-workers.json'))).toBe(true);
    expect(uses.some((use) => use.where.includes('KEDA'))).toBe(true);
    for (const use of uses) expect(promqlSelectors(use.expr).length, use.where).toBeGreaterThan(0);
  });

  it("are all exported by core's /metrics or the worker's (as their job label says)", () => {
    const exported = { core: exportedSeriesNames(scrapes.core), worker: exportedSeriesNames(scrapes.worker) };
    expect(exported.worker.has('apfa_job_duration_seconds_bucket')).toBe(true);
    expect(missingMetrics(uses, exported)).toEqual([]);
  });

  it('a renamed family is caught: the same check over a scrape where apfa_queue_depth is apfa_queue_length', () => {
    const rename = (text: string) => text.replaceAll('apfa_queue_depth', 'apfa_queue_length');
    const exported = { core: exportedSeriesNames(rename(scrapes.core)), worker: exportedSeriesNames(rename(scrapes.worker)) };
    const missing = missingMetrics(uses, exported);
    expect(missing).toContain('alert JobQueueBacklog: apfa_queue_depth');
    expect(missing.some((line) => line.includes('KEDA') && line.endsWith('apfa_queue_depth'))).toBe(true);
  });
});
