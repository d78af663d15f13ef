/**
 * Advice latency while the index is rebuilt and hot-swapped, against a real API-mode core process.
 *
 * The bench process runs the indexing jobs (BullMQ on REDIS_URL, CPU-heavy processors in the
 * job sandbox) into a local-folder object store; a separate `core/main.ts api` process serves
 * from the same folder and swaps on the Redis channel, as a production API instance would.
 * Concurrent clients keep POST /v1/advice flowing; every answer is timed and tagged with the
 * phase it started in:
 *   steady   — nothing is being built;
 *   rebuild  — enqueueSync → the publish announcement (workers busy on the same 2 cores);
 *   swap     — the announcement → the API has loaded, verified, warmed and swapped the version.
 * Reports p50/p99/max per phase, failed requests (must be 0), and the API's own load+swap time.
 *
 * `npm run bench:swap [-- --docs 100000 --swaps 3 --clients 4 --steady-seconds 8]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { createIndexRepository } from '../core/indexing/index-repository.ts';
import { lexicalBuildEmbedders } from '../core/jobs/build-embedders.ts';
import { createJobSystem } from '../core/jobs/create-job-system.ts';
import type { JobEvent } from '../core/jobs/job-events.ts';
import { createProcessSandbox } from '../core/jobs/sandbox/process-sandbox.ts';
import { createJsonlDocumentSource } from '../core/sources/jsonl-document-source.ts';
import { LocalFolderObjectStore } from '../core/storage/local-folder-object-store.ts';
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
const PASSWORD = 'bench-admin-password-123';

type Phase = 'steady' | 'rebuild' | 'swap';
let phase: Phase = 'steady';
const samples: Record<Phase, number[]> = { steady: [], rebuild: [], swap: [] };
const failures: string[] = [];
const versionsAnswered = new Set<string>();

const root = mkdtempSync(join(tmpdir(), 'apfa-bench-swap-'));
const corpusPath = join(root, 'corpus.jsonl');
const objects = join(root, 'objects');
const prefix = `bench:swap-${randomBytes(4).toString('hex')}:`;
const logger = pino({ level: 'silent' });

/** The API process; its JSON log is read for 'index loaded' / 'index swapped' with their durations. */
function startApi(): { child: ChildProcess; url: Promise<string>; swapMs: Map<string, number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/main.ts', 'api'], {
    env: {
      ...process.env,
      APFA_DATA_DIR: root,
      APFA_ADMIN_PASSWORD: PASSWORD,
      PORT: '0',
      REDIS_URL: redisUrl,
      KEY_PREFIX: prefix,
      EMBEDDER: 'lexical',
      INDEX_POLL_SECONDS: '60',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const swapMs = new Map<string, number>();
  const url = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; port?: number; version?: string; ms?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg?.startsWith('APFA core listening') && entry.port) resolve(`http://127.0.0.1:${entry.port}`);
      if ((entry.msg === 'index swapped' || entry.msg === 'index loaded') && entry.version && entry.ms !== undefined) swapMs.set(entry.version, entry.ms);
    });
  });
  return { child, url, swapMs };
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
  let count = 0;
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
      count++;
    }
  };
  const loops = Array.from({ length: clients }, (_, client) => loop(client));
  return {
    count: () => count,
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

writeSyntheticCorpus(corpusPath, documents);
const store = new LocalFolderObjectStore(objects);
const sandbox = createProcessSandbox({ spec: { store: { kind: 'local-folder', root: objects }, embedders: { kind: 'lexical' } }, size: 2, logger });
let announced: (version: string) => void = () => {};
const system = createJobSystem({
  redisUrl,
  prefix,
  store,
  repository: createIndexRepository(store),
  sources: (name) => (name === 'corpus' ? createJsonlDocumentSource(corpusPath, 'corpus') : undefined),
  embedders: lexicalBuildEmbedders(),
  sandbox,
  settings: { batchSize: 1000, schedules: { resync: null, cleanup: null, stats: null } },
  onEvent: (event: JobEvent) => {
    if (event.type === 'index.swapped') announced(event.version);
  },
  logger,
});
await system.start();
const api = startApi();
const cleanup = async () => {
  api.child.kill('SIGTERM');
  await system.close({ force: true }).catch(() => {});
  await removeBenchKeys(redisUrl, prefix);
  rmSync(root, { recursive: true, force: true });
};

try {
  const url = await api.url;
  console.log(`API at ${url}; building the first version of ${documents} documents`);
  const firstStarted = performance.now();
  await system.enqueueSync('corpus');
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
    for (let round_ = 1; round_ <= swaps; round_++) {
      // New documents flow in: the same corpus plus 100 more per round (same seed, so the first ones are unchanged and reuse their vectors).
      writeSyntheticCorpus(corpusPath, documents + round_ * 100);
      const announcement = new Promise<string>((resolve) => (announced = resolve));
      const enqueuedAt = performance.now();
      phase = 'rebuild';
      await system.enqueueSync('corpus');
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
  const results = {
    documents,
    clients,
    embedder: 'lexical-hash-v1',
    index: 'Flat + BM25 (hybrid)',
    runner: 'bullmq, sandbox process x2; API in its own process',
    firstBuildS,
    swaps: swapRuns,
    finalVersion: current,
    versionsAnswered: versionsAnswered.size,
    failedRequests: failures.length,
    failureSamples: failures.slice(0, 5),
    latency: { steady: summary(samples.steady), rebuild: summary(samples.rebuild), swap: summary(samples.swap) },
    notes: [
      'steady: no build running; rebuild: enqueueSync → publish announcement, with the workers on the same 2 cores as the API; swap: announcement → the API serves the version.',
      'apiLoadAndSwapMs: what the API logged for download + checksum verification + FAISS/BM25 load + warm-up + swap of that version.',
    ],
  };
  saveResults('swap-latency', results);
} finally {
  await cleanup();
}
process.exit(0);
