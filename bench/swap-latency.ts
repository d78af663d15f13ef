/**
 * Advice latency and memory while the index is rebuilt and hot-swapped, with the production
 * process layout: a worker-mode core (BullMQ jobs, CPU-heavy processors in its job sandbox) and
 * an API-mode core, each its own process, sharing Redis (queues, swap channel), PostgreSQL (users,
 * a throwaway schema) and one local-folder object store. This process only generates load and
 * watches: concurrent clients keep POST /v1/advice flowing and every answer is timed and tagged
 * with the phase it started in:
 *   steady   — nothing is being built;
 *   rebuild  — the sync request → the publish announcement on the swap channel (the worker busy
 *              on the same 2 cores as the API);
 *   swap     — the announcement → the API serves the new version (download, verify, load, warm,
 *              swap, while answering);
 *   activation — after the rebuilds, `--activations` swaps back and forth between the last two
 *              versions through the admin API (POST /admin/index/versions/{v}/activate, the
 *              rollback path: the same load, verify, warm and swap, with no build before it),
 *              each from the request to its answer, a quarter of `--steady-seconds` apart: many
 *              more swap windows than three rebuilds give, so the swap p99 rests on ~1,000
 *              requests rather than ~130 (where it is the second-slowest request).
 * Reports p50/p99/max per phase, failed requests (must be 0), the API's own load+swap time per
 * swap (from its log), the API's longest event-loop lag per phase (its /metrics), and its RSS:
 * sampled every 100 ms while steady, and its exact peak during each swap (VmHWM, reset through
 * /proc/<pid>/clear_refs at the announcement).
 * Then, in this process, a direct load of a `--load-docs` version (default 100k) through the
 * repository, the same data stored in each layout (first JSON, binary-v1, binary-v2), each timed
 * `--load-repeats` times (default 3), alternating: load time, longest event-loop block, and the
 * RSS one loaded version adds (after a full GC, before and after); and binary-v2 again while 5 ms
 * of stand-in request work runs in every turn of the event loop (`directLoadUnderSimulatedTrafficMs`).
 * The machine's load averages are recorded at the start and end, and at each swap.
 * The figures (issue 18 items 4 and 5), in `results`:
 *   loadMs                 the API's load+swap of a 100k version, median over the swaps (the direct
 *                          binary-v2 median with --load-only);
 *   swapP99OverSteadyP99   advice p99 during swaps (after rebuilds and by activation together) /
 *                          steady p99, same run; each kind's own ratio is in `swapP99OverSteadyP99ByKind`;
 *   peakRssOverVersionRss  the API's RSS added at the peak of a swap (VmHWM − RSS at the
 *                          announcement), worst swap, / the RSS one loaded 100k version adds.
 * `--load-only` skips the processes (a full 100k run takes long on a contended 2-core machine).
 * Needs Redis (REDIS_URL) and PostgreSQL (BENCH_DATABASE_URL, default the local `test` database).
 * BENCH_KEY_PREFIX (default `bench:`), BENCH_API_PORT and BENCH_WORKER_PORT (default 0: any free
 * port) keep concurrent runs apart on a shared machine.
 *
 * `npm run bench:swap [-- --docs 100000 --swaps 3 --activations 12 --clients 4 --steady-seconds 8 --load-docs 100000 --load-repeats 3 --load-only]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import { indexSwapChannel, parseSwapMessage } from '../core/jobs/swap-message.ts';
import { ADVICE_QUESTIONS } from './support/advice-questions.ts';
import { childPids, cpuSeconds } from './support/process-cpu.ts';
import { percentile, round, saveResults } from './support/results.ts';
import { removeBenchKeys } from './support/remove-bench-keys.ts';
import { benchServiceEnv } from './support/service-env.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';
import { measureSwapMemoryInChild, measureVersionLoad, measureVersionLoadInChild, storeLayouts, type LoadMeasurement, type SimulatedTraffic } from './support/version-load.ts';
import { LocalFolderObjectStore } from '../core/storage/local-folder-object-store.ts';
import type { KnowledgeDocument } from '../core/ports/document.ts';
import { eventually, servedVersion } from '../test/support/eventually.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const documents = argument('docs', 100_000);
const swaps = argument('swaps', 3);
const clients = argument('clients', 4);
const steadySeconds = argument('steady-seconds', 8);
const loadDocuments = argument('load-docs', 100_000);
const loadRepeats = argument('load-repeats', 3);
const activations = argument('activations', 12);
const loadOnly = process.argv.includes('--load-only');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'bench-admin-password-123';

type Phase = 'steady' | 'rebuild' | 'swap' | 'activation';
let phase: Phase = 'steady';
const samples: Record<Phase, number[]> = { steady: [], rebuild: [], swap: [], activation: [] };
const failures: string[] = [];
const versionsAnswered = new Set<string>();

const id = randomBytes(4).toString('hex');
const root = mkdtempSync(join(tmpdir(), 'apfa-bench-swap-'));
const corpusPath = join(root, 'corpus.jsonl');
const prefix = `${process.env.BENCH_KEY_PREFIX ?? 'bench:'}swap-${id}:`;
const schema = `bench_swap_${id}`;
// The swap channel announces every version; the poll is the fallback only.
const env = benchServiceEnv(
  { dataDir: root, adminPassword: PASSWORD, databaseUrl, schema, redisUrl, keyPrefix: prefix, corpusPath },
  { INDEX_POLL_SECONDS: '60', PORT: process.env.BENCH_API_PORT ?? '0', WORKER_METRICS_PORT: process.env.BENCH_WORKER_PORT ?? '0' },
);

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

const until = <T>(probe: () => Promise<T | null>, what: string, timeoutMs = 600_000): Promise<T> => eventually(probe, what, timeoutMs, 20);

function startTraffic(url: string, token: () => string) {
  let running = true;
  const loop = async (client: number) => {
    for (let i = client; running; i += clients) {
      const started = performance.now();
      const at: Phase = phase;
      try {
        const response = await fetch(`${url}/v1/advice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
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

/** CPU ms used during a window by the API, the worker core with its job-sandbox processes, and this process (the clients). */
interface ProcessCpuMs {
  api: number;
  worker: number;
  bench: number;
}

/** Reads the processes' CPU time (/proc, 10 ms ticks) at a window's start; `since` gives what each used until now. */
function watchCpu(apiPid: number, workerPid: number) {
  const read = (): ProcessCpuMs => {
    const own = process.cpuUsage();
    return {
      api: cpuSeconds(apiPid) * 1000,
      worker: [workerPid, ...childPids(workerPid, /./)].reduce((sum, pid) => sum + cpuSeconds(pid), 0) * 1000,
      bench: (own.user + own.system) / 1000,
    };
  };
  return {
    read,
    since(before: ProcessCpuMs): ProcessCpuMs {
      const now = read();
      return { api: round(now.api - before.api), worker: round(now.worker - before.worker), bench: round(now.bench - before.bench) };
    },
  };
}

/** A line of /proc/<pid>/status in bytes (VmRSS, VmHWM), or NaN. */
function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) * 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * The API's RSS, sampled every 100 ms: the steady samples, and around each swap the RSS before it
 * and the exact peak during it. `swapStarted` (at the announcement) resets the kernel's
 * high-water mark (VmHWM, by writing 5 to /proc/<pid>/clear_refs) and returns the last sample
 * taken before (while the worker was still building: one version loaded; the API may already have
 * begun reading the new one when the announcement reaches this process); `swapEnded` reads the
 * mark. Where the reset is refused, the samples' peak.
 */
function watchRss(pid: number) {
  const steady: number[] = [];
  let last = Number.NaN;
  let sampledPeak = 0;
  let exact = true;
  const timer = setInterval(() => {
    const bytes = procStatusBytes(pid, 'VmRSS');
    if (Number.isNaN(bytes)) return;
    if (phase === 'steady') steady.push(bytes);
    if (phase === 'swap') sampledPeak = Math.max(sampledPeak, bytes);
    else last = bytes;
  }, 100);
  return {
    steady,
    swapStarted(): number {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        exact = false;
      }
      sampledPeak = 0;
      return last;
    },
    swapEnded(): { peak: number; exact: boolean } {
      return exact ? { peak: procStatusBytes(pid, 'VmHWM'), exact } : { peak: sampledPeak, exact };
    },
    stop: () => clearInterval(timer),
  };
}

/** The API's longest event-loop lag since the last read (prom-client's monitor resets on each scrape; 10 ms resolution). */
async function eventLoopLagMaxMs(url: string, token: () => string): Promise<number | null> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token()}` } }).catch(() => null);
  if (!response || response.status !== 200) return null;
  const value = /^apfa_process_nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)/m.exec(await response.text())?.[1];
  return value === undefined ? null : round(Number(value) * 1000, 1);
}

/** The API and worker cores as processes under advice traffic, swapping `swaps` times. */
async function swapInProcesses() {
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
    // A first 100k build took over 10 minutes on this machine at a load average of 9: 30 allowed.
    let current = await until(() => servedVersion(url), 'the first version', 30 * 60_000);
    const firstVersion = current;
    const activationMs: number[] = [];
    const activationCpuMs: ProcessCpuMs[] = [];
    const firstBuildS = round((performance.now() - firstStarted) / 1000, 1);
    // Access tokens live at most 15 minutes and a rebuild on a loaded machine can take 10: renewed every 5.
    const signIn = async () => {
      const response = await fetch(`${url}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    let accessToken = await signIn();
    const renewal = setInterval(() => void signIn().then((renewed) => (accessToken = renewed), () => {}), 5 * 60_000);
    const token = () => accessToken;

    const rss = watchRss(api.child.pid!);
    const cpu = watchCpu(api.child.pid!, worker.child.pid!);
    const traffic = startTraffic(url, token);
    const swapRuns: Array<{
      version: string;
      rebuildS: number;
      announceToServedMs: number;
      apiLoadAndSwapMs: number | null;
      apiRssBeforeMiB: number;
      apiPeakRssMiB: number;
      peakExact: boolean;
      apiEventLoopLagMaxMs: number | null;
      cpuMs: ProcessCpuMs;
      loadAverage1m: number;
    }> = [];
    const steadyLagMaxMs: Array<number | null> = [];
    try {
      await eventLoopLagMaxMs(url, token);
      await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
      steadyLagMaxMs.push(await eventLoopLagMaxMs(url, token));
      for (const path of rounds) {
        await rename(path, corpusPath);
        const announcement = new Promise<string>((resolve) => (announced = resolve));
        const enqueuedAt = performance.now();
        phase = 'rebuild';
        const sync = await fetch(`${url}/admin/jobs/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
          body: JSON.stringify({ source: 'corpus' }),
        });
        if (sync.status !== 202) throw new Error(`sync request failed: ${sync.status} ${await sync.text()}`);
        const version = await announcement;
        const announcedAt = performance.now();
        phase = 'swap';
        const rssBefore = rss.swapStarted();
        const cpuBefore = cpu.read();
        const loadAverage1m = round(loadavg()[0]!, 2);
        void eventLoopLagMaxMs(url, token);
        await until(async () => ((await servedVersion(url)) === version ? version : null), `version ${version} served`);
        const servedAt = performance.now();
        phase = 'steady';
        const cpuMs = cpu.since(cpuBefore);
        const peak = rss.swapEnded();
        const swapLag = await eventLoopLagMaxMs(url, token);
        // The API logs the swap just after it starts serving the version.
        await until(async () => (api.swapMs.has(version) ? true : null), 'the API to log the swap', 5_000).catch(() => null);
        swapRuns.push({
          version,
          rebuildS: round((announcedAt - enqueuedAt) / 1000, 1),
          announceToServedMs: round(servedAt - announcedAt),
          apiLoadAndSwapMs: api.swapMs.get(version) ?? null,
          apiRssBeforeMiB: round(rssBefore / 2 ** 20, 1),
          apiPeakRssMiB: round(peak.peak / 2 ** 20, 1),
          peakExact: peak.exact,
          apiEventLoopLagMaxMs: swapLag,
          cpuMs,
          loadAverage1m,
        });
        console.log(JSON.stringify(swapRuns.at(-1)));
        current = version;
        await new Promise((resolve) => setTimeout(resolve, steadySeconds * 1000));
        steadyLagMaxMs.push(await eventLoopLagMaxMs(url, token));
      }
      // Back and forth between the last two versions (a rollback and a roll forward each time), ending on the latest.
      const pair = [swapRuns.at(-2)?.version ?? firstVersion, current];
      for (let i = 0; i < activations; i++) {
        const target = pair[i % 2]!;
        phase = 'activation';
        const cpuBefore = cpu.read();
        const started = performance.now();
        const response = await fetch(`${url}/admin/index/versions/${target}/activate`, { method: 'POST', headers: { authorization: `Bearer ${token()}` } });
        if (response.status !== 200) throw new Error(`activating ${target} failed: ${response.status} ${await response.text()}`);
        activationMs.push(round(performance.now() - started, 1));
        activationCpuMs.push(cpu.since(cpuBefore));
        phase = 'steady';
        await new Promise((resolve) => setTimeout(resolve, (steadySeconds * 1000) / 4));
      }
      if (activations % 2 === 1) current = pair[0]!;
    } finally {
      await traffic.stop();
      rss.stop();
      clearInterval(renewal);
    }
    const steadyRss = rss.steady.sort((a, b) => a - b);
    const steadyRssMiB = round(percentile(steadyRss, 50) / 2 ** 20, 1);
    const latency = {
      steady: summary(samples.steady),
      rebuild: summary(samples.rebuild),
      swap: summary(samples.swap),
      activation: summary(samples.activation),
      allSwaps: summary([...samples.swap, ...samples.activation]),
    };
    const steadyP99 = latency.steady.p99Ms;
    const loads = swapRuns.map((run) => run.apiLoadAndSwapMs).filter((ms): ms is number => ms !== null);
    return {
      documents,
      clients,
      embedder: 'lexical-hash-v1',
      retrieval: 'RETRIEVAL=auto: BM25 alone for the lexical embedder (index.faiss loaded on a first vector search, i.e. never here)',
      processes: 'API core and worker core (BullMQ, job sandbox x2) as separate processes; Postgres, Redis, local-folder object store',
      firstBuildS,
      swaps: swapRuns,
      finalVersion: current,
      versionsAnswered: versionsAnswered.size,
      failedRequests: failures.length,
      failureSamples: failures.slice(0, 5),
      latency,
      activations: { count: activationMs.length, requestMs: activationMs, cpuMs: activationCpuMs },
      apiEventLoopLagMaxMs: { steady: steadyLagMaxMs, swaps: swapRuns.map((run) => run.apiEventLoopLagMaxMs) },
      notes: [
        'steady: no build running; rebuild: sync request → publish announcement, with the worker on the same 2 cores as the API; swap: announcement → the API serves the version; activation: POST /admin/index/versions/{v}/activate → its answer, back and forth between the last two versions; allSwaps: swap and activation together (swapP99OverSteadyP99).',
        'apiLoadAndSwapMs: what the API logged for download + checksum verification + load + warm-up + swap of that version, while answering the 4 clients.',
        'apiRssBeforeMiB: the API RSS in the last 100 ms sample before the announcement (one version live); apiPeakRssMiB: its peak until the new version served (VmHWM when peakExact); steadyRssMiB: the median of 100 ms samples outside builds and swaps.',
        'apiEventLoopLagMaxMs: the API\'s own longest event-loop lag (prom-client, 10 ms resolution) per steady period and per swap; with 4 clients it includes the requests\' own synchronous work.',
        'loadAverage1m: the machine\'s 1-minute load average at the announcement (os.loadavg; 2 cores shared with other work).',
        'cpuMs (per swap and per activation): CPU ms the API, the worker core with its job-sandbox processes, and this process (the clients) used in that window (/proc, 10 ms ticks; a sandbox process that exited in the window is missed).',
      ],
      loadMsPerInstance: swapRuns.map((run) => run.apiLoadAndSwapMs),
      loadMsMedian: loads.length > 0 ? round(percentile([...loads].sort((a, b) => a - b), 50), 1) : null,
      swapP99OverSteadyP99: round(latency.allSwaps.p99Ms / steadyP99, 2),
      swapP99OverSteadyP99ByKind: {
        afterRebuild: round(latency.swap.p99Ms / steadyP99, 2),
        activation: samples.activation.length > 0 ? round(latency.activation.p99Ms / steadyP99, 2) : null,
      },
      steadyRssMiB,
      swapAddedRssMiB: swapRuns.map((run) => round(run.apiPeakRssMiB - run.apiRssBeforeMiB, 1)),
      peakRssOverSteadyRss: round(Math.max(...swapRuns.map((run) => run.apiPeakRssMiB)) / steadyRssMiB, 2),
    };
  } finally {
    await cleanup();
  }
}

/** Stand-in traffic for one series of direct loads: 5 ms of synchronous work in every turn of the event loop. */
const SIMULATED_TRAFFIC: SimulatedTraffic = { busyMsPerTurn: 5 };

/**
 * One process, no traffic (but for one series under SIMULATED_TRAFFIC): a `loadDocuments` version stored in each layout, each loaded
 * `loadRepeats` times, alternating, as an API instance with the default retrieval (BM25 alone
 * for the lexical embedder) loads it; plus binary-v2 with hybrid retrieval (FAISS loaded too).
 */
async function directLoads() {
  const folder = mkdtempSync(join(tmpdir(), 'apfa-bench-load-'));
  try {
    const path = join(folder, 'corpus.jsonl');
    writeSyntheticCorpus(path, loadDocuments);
    const corpus = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as KnowledgeDocument);
    const store = new LocalFolderObjectStore(join(folder, 'store'));
    const buildStarted = performance.now();
    const versions = await storeLayouts(store, corpus);
    console.log(`stored a ${loadDocuments}-document version in three layouts in ${round((performance.now() - buildStarted) / 1000, 1)} s`);
    const runs: Record<'json' | 'binaryV1' | 'binaryV2' | 'binaryV2Hybrid' | 'binaryV2UnderTraffic', LoadMeasurement[]> = {
      json: [],
      binaryV1: [],
      binaryV2: [],
      binaryV2Hybrid: [],
      binaryV2UnderTraffic: [],
    };
    for (let i = 0; i < loadRepeats; i++) {
      runs.json.push(await measureVersionLoad(store, versions.json, 'auto'));
      runs.binaryV1.push(await measureVersionLoad(store, versions.binaryV1, 'auto'));
      runs.binaryV2.push(await measureVersionLoad(store, versions.binaryV2, 'auto'));
      runs.binaryV2Hybrid.push(await measureVersionLoad(store, versions.binaryV2, 'hybrid'));
      runs.binaryV2UnderTraffic.push(await measureVersionLoad(store, versions.binaryV2, 'auto', SIMULATED_TRAFFIC));
      console.log(
        JSON.stringify({
          json: runs.json.at(-1),
          binaryV1: runs.binaryV1.at(-1),
          binaryV2: runs.binaryV2.at(-1),
          binaryV2Hybrid: runs.binaryV2Hybrid.at(-1),
          binaryV2UnderTraffic: runs.binaryV2UnderTraffic.at(-1),
        }),
      );
    }
    // RSS from one load per layout in a fresh process: in this one, earlier loads' memory stays with the allocator.
    const fresh = {
      json: await measureVersionLoadInChild(join(folder, 'store'), versions.json, 'auto'),
      binaryV1: await measureVersionLoadInChild(join(folder, 'store'), versions.binaryV1, 'auto'),
      binaryV2: await measureVersionLoadInChild(join(folder, 'store'), versions.binaryV2, 'auto'),
      binaryV2Hybrid: await measureVersionLoadInChild(join(folder, 'store'), versions.binaryV2, 'hybrid'),
    };
    // A swap's memory without a service around it: the version held, then a second copy loaded beside it.
    const swapMemory = await measureSwapMemoryInChild(join(folder, 'store'), versions.binaryV2, 'auto');
    console.log(JSON.stringify({ freshProcess: fresh, swapMemory }));
    const median = (values: number[]) => round(percentile([...values].sort((a, b) => a - b), 50), 1);
    const sum = (measurements: LoadMeasurement[], first: LoadMeasurement) => ({
      loadMsMedian: median(measurements.map((m) => m.loadMs)),
      repositoryLoadMsMedian: median(measurements.map((m) => m.repositoryLoadMs)),
      maxEventLoopBlockMs: Math.max(...measurements.map((m) => m.maxEventLoopBlockMs)),
      // One load in a fresh process: after − before (both after a full GC), and the peak above before in versions.
      versionRssMiB: round(first.rssMiB.after - first.rssMiB.before, 1),
      loadPeakOverVersionRss: round((first.rssMiB.peak - first.rssMiB.before) / (first.rssMiB.after - first.rssMiB.before), 2),
      firstLoadInFreshProcess: first,
      runs: measurements,
    });
    return {
      documents: loadDocuments,
      versions,
      swapMemoryMiB: {
        ...swapMemory,
        version: round(swapMemory.held - swapMemory.empty, 1),
        addedAtPeak: round(swapMemory.peak - swapMemory.held, 1),
        peakAddedOverVersion: round((swapMemory.peak - swapMemory.held) / (swapMemory.held - swapMemory.empty), 2),
      },
      json: sum(runs.json, fresh.json),
      binaryV1: sum(runs.binaryV1, fresh.binaryV1),
      binaryV2: sum(runs.binaryV2, fresh.binaryV2),
      binaryV2Hybrid: sum(runs.binaryV2Hybrid, fresh.binaryV2Hybrid),
      // The same load while every turn of the event loop also runs SIMULATED_TRAFFIC's work (its
      // longest block is that work's, not the load's): what waits for turns shows here.
      binaryV2UnderTraffic: {
        busyMsPerTurn: SIMULATED_TRAFFIC.busyMsPerTurn,
        loadMsMedian: median(runs.binaryV2UnderTraffic.map((m) => m.loadMs)),
        repositoryLoadMsMedian: median(runs.binaryV2UnderTraffic.map((m) => m.repositoryLoadMs)),
        runs: runs.binaryV2UnderTraffic,
      },
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const loadAverageAtStart = loadavg().map((value) => round(value, 2));
const swap = loadOnly ? null : await swapInProcesses();
const direct = await directLoads();
const versionRssMiB = direct.binaryV2.versionRssMiB;
const worstSwapAddedMiB = swap ? Math.max(...swap.swapAddedRssMiB) : null;
const figures = {
  // Issue 18 item 4: a 100k version's load on an API instance — the API's own log under traffic
  // when the processes ran, else the direct binary-v2 load (same steps, no traffic).
  loadMs: swap?.loadMsMedian ?? direct.binaryV2.loadMsMedian,
  loadMsPerInstance: swap?.loadMsPerInstance ?? null,
  directLoadMs: direct.binaryV2.loadMsMedian,
  directLoadUnderSimulatedTrafficMs: direct.binaryV2UnderTraffic.loadMsMedian,
  directMaxEventLoopBlockMs: direct.binaryV2.maxEventLoopBlockMs,
  swapP99OverSteadyP99: swap?.swapP99OverSteadyP99 ?? null,
  swapP99OverSteadyP99ByKind: swap?.swapP99OverSteadyP99ByKind ?? null,
  // Issue 18 item 5: the RSS a swap adds at its peak, in loaded versions (≥ 1: the new version is
  // resident while the old one still answers).
  peakRssOverVersionRss: worstSwapAddedMiB === null ? null : round(worstSwapAddedMiB / versionRssMiB, 2),
  versionRssMiB,
  // The same ratio for a swap simulated in a fresh process (no service around it), and the literal
  // reading: the API's whole RSS at a swap's peak over one version (mostly the service itself).
  directSwapPeakRssOverVersionRss: direct.swapMemoryMiB.peakAddedOverVersion,
  apiPeakRssOverVersionRss: swap ? round(Math.max(...swap.swaps.map((run) => run.apiPeakRssMiB)) / versionRssMiB, 2) : null,
  peakRssOverSteadyRss: swap?.peakRssOverSteadyRss ?? null,
  // The machine's 1/5/15-minute load averages (2 cores, shared with other work) at the start and the end.
  loadAverage: { start: loadAverageAtStart, end: loadavg().map((value) => round(value, 2)) },
};
saveResults('swap-latency', {
  ...(swap ?? { documents, note: 'run with --load-only: no processes, no traffic' }),
  ...figures,
  directLoad: direct,
});
console.log(
  JSON.stringify({
    ...figures,
    directLoadMsByLayout: { json: direct.json.loadMsMedian, binaryV1: direct.binaryV1.loadMsMedian, binaryV2: direct.binaryV2.loadMsMedian, binaryV2Hybrid: direct.binaryV2Hybrid.loadMsMedian },
    maxEventLoopBlockMsByLayout: { json: direct.json.maxEventLoopBlockMs, binaryV1: direct.binaryV1.maxEventLoopBlockMs, binaryV2: direct.binaryV2.maxEventLoopBlockMs },
    versionRssMiBByLayout: { json: direct.json.versionRssMiB, binaryV1: direct.binaryV1.versionRssMiB, binaryV2: direct.binaryV2.versionRssMiB, binaryV2Hybrid: direct.binaryV2Hybrid.versionRssMiB },
  }),
);
process.exit(0);
