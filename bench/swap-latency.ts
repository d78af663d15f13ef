/**
 * Advice latency while the index is rebuilt and hot-swapped, with the production process layout:
 * a worker-mode core (BullMQ jobs, CPU-heavy processors in its job sandbox) and an API-mode core,
 * each its own process, sharing Redis (queues, swap channel), PostgreSQL (users, a throwaway
 * schema) and one local-folder object store. This process only generates load and watches:
 * concurrent clients keep POST /v1/advice flowing and every answer is timed and tagged with the
 * phase it started in:
 *   steady   — nothing is being built;
 *   rebuild  — the sync request → the publish announcement on the swap channel (the worker busy
 *              on the same 2 cores as the API);
 *   swap     — the announcement → the API serves the new version (download, verify, load, warm,
 *              swap, while answering).
 * Reports p50/p99/max per phase, failed requests (must be 0), and the API's own load+swap time.
 * Needs Redis (REDIS_URL) and PostgreSQL (BENCH_DATABASE_URL, default the local `test` database).
 *
 * `npm run bench:swap [-- --docs 100000 --swaps 3 --clients 4 --steady-seconds 8]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { indexSwapChannel, parseSwapMessage } from '../core/jobs/swap-message.ts';
import { ADVICE_QUESTIONS } from './support/advice-questions.ts';
import { percentile, round, saveResults } from './support/results.ts';
import { removeBenchKeys } from './support/remove-bench-keys.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const documents = argument('docs', 100_000);
const swaps = argument('swaps', 3);
const clients = argument('clients', 4);
const steadySeconds = argument('steady-seconds', 8);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'bench-admin-password-123';

type Phase = 'steady' | 'rebuild' | 'swap';
let phase: Phase = 'steady';
const samples: Record<Phase, number[]> = { steady: [], rebuild: [], swap: [] };
const failures: string[] = [];
const versionsAnswered = new Set<string>();

const id = randomBytes(4).toString('hex');
const root = mkdtempSync(join(tmpdir(), 'apfa-bench-swap-'));
const corpusPath = join(root, 'corpus.jsonl');
const prefix = `bench:swap-${id}:`;
const schema = `bench_swap_${id}`;
const env = {
  ...process.env,
  APFA_DATA_DIR: root,
  APFA_ADMIN_PASSWORD: PASSWORD,
  DATABASE_URL: databaseUrl,
  DATABASE_SCHEMA: schema,
  REDIS_URL: redisUrl,
  KEY_PREFIX: prefix,
  CORPUS_PATH: corpusPath,
  EMBEDDER: 'lexical',
  INDEX_POLL_SECONDS: '60',
  SCHEDULE_RESYNC: 'off',
  SCHEDULE_CLEANUP: 'off',
  SCHEDULE_STATS: 'off',
  HISTORY_RETENTION_DAYS: '0',
  PORT: '0',
  LOG_LEVEL: 'info',
};

/** A core process; its JSON log is read for the listening port and 'index loaded' / 'index swapped' durations. */
function startCore(mode: 'api' | 'worker') {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'core/main.ts', mode], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const swapMs = new Map<string, number>();
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${mode} process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; port?: number; version?: string; ms?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg?.startsWith('APFA core listening') && entry.port) resolve(`http://127.0.0.1:${entry.port}`);
      if (entry.msg?.startsWith('APFA worker running')) resolve('');
      if ((entry.msg === 'index swapped' || entry.msg === 'index loaded') && entry.version && entry.ms !== undefined) swapMs.set(entry.version, entry.ms);
    });
  });
  return { child, ready, swapMs };
}

async function servedVersion(url: string): Promise<string | null> {
  const response = await fetch(`${url}/ready`).catch(() => null);
  if (!response || response.status !== 200) return null;
  return ((await response.json()) as { indexVersion: string }).indexVersion;
}

async function until<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startTraffic(url: string, token: string) {
  let running = true;
  const loop = async (client: number) => {
    for (let i = client; running; i += clients) {
      const started = performance.now();
      const at: Phase = phase;
      try {
        const response = await fetch(`${url}/v1/advice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: ADVICE_QUESTIONS[i % ADVICE_QUESTIONS.length] }),
        });
        const text = await response.text();
        if (response.status !== 200) failures.push(`${response.status} ${text.slice(0, 160)}`);
        else versionsAnswered.add((JSON.parse(text) as { indexVersion: string }).indexVersion);
      } catch (error) {
        failures.push(String(error));
      }
      samples[at].push(performance.now() - started);
    }
  };
  const loops = Array.from({ length: clients }, (_, client) => loop(client));
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1), maxMs: round(sorted.at(-1) ?? Number.NaN, 1) };
}

// Every corpus version is written before any timing: writing 100k documents blocks this process for seconds.
writeSyntheticCorpus(corpusPath, documents);
const rounds = Array.from({ length: swaps }, (_, i) => {
  // New documents flow in: the same corpus plus 100 more per round (same seed, so the first ones are unchanged and reuse their vectors).
  const path = join(root, `corpus-round-${i + 1}.jsonl`);
  writeSyntheticCorpus(path, documents + (i + 1) * 100);
  return path;
});

const subscriber = new Redis(redisUrl);
const announcements: string[] = [];
let announced: (version: string) => void = () => {};
subscriber.on('message', (_channel, raw: string) => {
  const message = parseSwapMessage(raw);
  if (message) {
    announcements.push(message.version);
    announced(message.version);
  }
});
await subscriber.subscribe(indexSwapChannel(prefix));

// The API first (it applies the database migrations), then the worker, which syncs the corpus as it starts.
const api = startCore('api');
const processes: ChildProcess[] = [api.child];
const cleanup = async () => {
  for (const child of processes) child.kill('SIGTERM');
  await Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null)));
  subscriber.disconnect();
  await removeBenchKeys(redisUrl, prefix);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  rmSync(root, { recursive: true, force: true });
};

try {
  const url = await api.ready;
  const firstStarted = performance.now();
  const worker = startCore('worker');
  processes.push(worker.child);
  await worker.ready;
  console.log(`API at ${url}, worker running; building the first version of ${documents} documents`);
  let current = await until(() => servedVersion(url), 'the first version');
  const firstBuildS = round((performance.now() - firstStarted) / 1000, 1);
  const tokenResponse = await fetch(`${url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const token = ((await tokenResponse.json()) as { access_token: string }).access_token;

  const traffic = startTraffic(url, token);
  const swapRuns: Array<{ version: string; rebuildS: number; announceToServedMs: number; apiLoadAndSwapMs: number | null }> = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
    for (const path of rounds) {
      await rename(path, corpusPath);
      const announcement = new Promise<string>((resolve) => (announced = resolve));
      const enqueuedAt = performance.now();
      phase = 'rebuild';
      const sync = await fetch(`${url}/admin/jobs/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ source: 'corpus' }),
      });
      if (sync.status !== 202) throw new Error(`sync request failed: ${sync.status} ${await sync.text()}`);
      const version = await announcement;
      const announcedAt = performance.now();
      phase = 'swap';
      await until(async () => ((await servedVersion(url)) === version ? version : null), `version ${version} served`);
      const servedAt = performance.now();
      phase = 'steady';
      // The API logs the swap just after it starts serving the version.
      await until(async () => (api.swapMs.has(version) ? true : null), 'the API to log the swap', 5_000).catch(() => null);
      swapRuns.push({
        version,
        rebuildS: round((announcedAt - enqueuedAt) / 1000, 1),
        announceToServedMs: round(servedAt - announcedAt),
        apiLoadAndSwapMs: api.swapMs.get(version) ?? null,
      });
      console.log(JSON.stringify(swapRuns.at(-1)));
      current = version;
      await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
    }
  } finally {
    await traffic.stop();
  }
  saveResults('swap-latency', {
    documents,
    clients,
    embedder: 'lexical-hash-v1',
    index: 'Flat + BM25 (hybrid), Flat searched on a worker thread',
    processes: 'API core and worker core (BullMQ, job sandbox x2) as separate processes; Postgres, Redis, local-folder object store',
    firstBuildS,
    swaps: swapRuns,
    finalVersion: current,
    versionsAnswered: versionsAnswered.size,
    failedRequests: failures.length,
    failureSamples: failures.slice(0, 5),
    latency: { steady: summary(samples.steady), rebuild: summary(samples.rebuild), swap: summary(samples.swap) },
    notes: [
      'steady: no build running; rebuild: sync request → publish announcement, with the worker on the same 2 cores as the API; swap: announcement → the API serves the version.',
      'apiLoadAndSwapMs: what the API logged for download + checksum verification + FAISS/BM25 load + warm-up + swap of that version.',
    ],
  });
} finally {
  await cleanup();
}
process.exit(0);
