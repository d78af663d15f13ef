import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createRuntime, type CoreRuntime, type RunMode } from '../../core/composition-root.ts';
import { parseCoreConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { eventually, servedVersion as servedVersionAt } from '../support/eventually.ts';
import { closeServer, TEST_ADMIN_PASSWORD } from '../support/start-core.ts';

export { eventually };
import { TEST_ONLY_PASSWORD_HASH_COST } from '../../core/auth/password-hash.ts';

export { dropSchema, TEST_DATABASE_URL } from '../core/storage/sql-adapters.ts';
export const QUESTION = 'What are my options for a $200,000 home with a 620 credit score?';

/** A core process of the cluster: the real composition root behind a loopback HTTP server, its error log kept in memory. */
export interface ClusterCore {
  url: string;
  mode: RunMode;
  runtime: CoreRuntime;
  /** Parsed error-level log lines (LOG_LEVEL is ignored: the log goes to memory, never to the console). */
  errors: Array<{ msg?: string; version?: string }>;
  stop(): Promise<void>;
}

/** Starts one core instance (worker or api) with `env`; each instance gets its own data folder. */
export async function startClusterCore(env: Record<string, string>, mode: RunMode): Promise<ClusterCore> {
  const dataDir = mkdtempSync(join(tmpdir(), `apfa-e2e-${mode}-`));
  // The tests call each instance directly (no edge in front), so the edge signature that REDIS_URL turns on is off here.
  const config = parseCoreConfig({ APFA_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, PORT: '0', REQUIRE_EDGE_SIGNATURE: 'false', ...env, APFA_DATA_DIR: dataDir });
  const errors: ClusterCore['errors'] = [];
  const logger = createLogger({
    level: 'error',
    destination: {
      write(line: string) {
        try {
          errors.push(JSON.parse(line) as { msg?: string });
        } catch {
          errors.push({ msg: line });
        }
      },
    },
  });
  const runtime = await createRuntime(config, { logger, mode, passwordHashCost: TEST_ONLY_PASSWORD_HASH_COST });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  let stopped = false;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode,
    runtime,
    errors,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeServer(server);
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The index version an instance serves (/ready), or null while it answers 503. */
export const servedVersion = (core: ClusterCore): Promise<string | null> => servedVersionAt(core.url);

/** Until every instance serves the same version other than `not`; returns it. */
export function allServeNewVersion(cores: readonly ClusterCore[], not: string | null, timeoutMs?: number): Promise<string> {
  return eventually(
    async () => {
      const versions = await Promise.all(cores.map(servedVersion));
      const first = versions[0] ?? null;
      return first !== null && first !== not && versions.every((version) => version === first) ? first : null;
    },
    `every instance serving a version other than ${not}`,
    timeoutMs,
  );
}

export async function passwordToken(core: ClusterCore): Promise<string> {
  const response = await fetch(`${core.url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export interface TrafficReport {
  requests: number;
  /** One line per request that did not answer 200 (status and problem code, or the network error). */
  failures: string[];
  /** Index versions the answers reported, in order of arrival. */
  versions: Set<string>;
}

/**
 * Keeps authenticated POST /v1/advice requests flowing: `clients` concurrent loops per target
 * until `stop()`, each waiting `pauseMs` between its requests. Every answer is read to the end;
 * anything but a 200 is a failure. The cluster's instances share the test's one event loop, so
 * unpaced loops starve the worker's jobs of it; a pause leaves the rebuilds room.
 */
function startTraffic(
  targets: readonly ClusterCore[],
  token: string,
  { clients = 2, pauseMs = 0 }: { clients?: number; pauseMs?: number } = {},
): { stop(): Promise<TrafficReport>; requests(): number } {
  const report: TrafficReport = { requests: 0, failures: [], versions: new Set() };
  let running = true;
  const loop = async (target: ClusterCore) => {
    while (running) {
      try {
        const response = await fetch(`${target.url}/v1/advice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUESTION }),
        });
        const text = await response.text();
        report.requests++;
        if (response.status !== 200) {
          report.failures.push(`${target.mode}@${target.url}: ${response.status} ${text.slice(0, 200)}`);
        } else {
          const version = (JSON.parse(text) as { indexVersion?: string }).indexVersion;
          if (version) report.versions.add(version);
        }
      } catch (error) {
        report.requests++;
        report.failures.push(`${target.url}: ${String(error)}`);
      }
      if (pauseMs > 0 && running) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = targets.flatMap((target) => Array.from({ length: clients }, () => loop(target)));
  return {
    requests: () => report.requests,
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}

/**
 * Runs `during` while {@link startTraffic} keeps requests flowing, and returns the traffic's report.
 * The traffic is stopped whether `during` succeeds or throws; a throw is what the caller sees, so a
 * failure inside it is reported as itself, not masked by checks on the report.
 */
export async function whileTrafficFlows(
  targets: readonly ClusterCore[],
  token: string,
  options: { clients?: number; pauseMs?: number },
  during: (traffic: { requests(): number }) => Promise<void>,
): Promise<TrafficReport> {
  const traffic = startTraffic(targets, token, options);
  try {
    await during(traffic);
  } catch (error) {
    await traffic.stop();
    throw error;
  }
  return traffic.stop();
}

/** The JSONL source the cluster indexes: the lending guide plus `extra` generated documents. */
export async function writeCorpus(path: string, base: string, extra: ReadonlyArray<{ id: string; title: string; text: string }>): Promise<void> {
  const lines = (await readFile(base, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  await writeFile(path, [...lines, ...extra.map((row) => JSON.stringify(row))].join('\n') + '\n');
}
