/**
 * Issue 18 item 3: how long a change of 100 documents takes from its upload to searchable on
 * every API instance, with segments on (INDEX_SEGMENTS=on, docs/segments.md), through the real
 * service: a worker-mode core (BullMQ, job sandbox) and `--instances` (default 3) API-mode cores,
 * each its own `core/main.ts` process, sharing Redis (queues, swap channel), PostgreSQL (a
 * throwaway schema) and one local-folder object store. The source is a `--docs` (default 100k)
 * synthetic JSONL corpus; admin uploads join it. `--clients` (default 6) loops keep POST
 * /v1/advice flowing round the instances the whole time.
 *
 * `--changes` (default 6, at least 5) changes in turn, through the admin API: add 100 (POST
 * /admin/documents, new ids), update 100 (POST /admin/documents with ids of corpus documents:
 * uploads win), delete 100 (one POST /admin/documents/delete of the 100 the add before uploaded,
 * one sync). Each change is timed from its first admin request until every instance
 * (a) reports a new version at /ready and (b) answers a probe question with the change applied:
 * its top source is one of the changed documents carrying the change's marker (add, update), or
 * no deleted document appears (delete). Every traffic answer is kept with its version and
 * checked at the end: a changed document must carry the text of the version the answer reports
 * (mixedVersionAnswers counts answers that do not).
 *
 * Writes bench/results/change-latency.json: results.visibleMs.p50 / .max,
 * results.failedRequests, results.mixedVersionAnswers, and per change the time to the job's
 * publish and per instance. Ports 47100+ (API i: 47100+i; worker metrics 47150), Redis prefix
 * `apfa:bench-change-<id>:` (BENCH_KEY_PREFIX), data under the system temporary folder.
 *
 * `npm run bench:change [-- --docs 100000 --instances 3 --changes 6 --clients 6]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { percentile, random, round, saveResults } from './support/results.ts';
import { removeBenchKeys } from './support/remove-bench-keys.ts';
import { benchServiceEnv } from './support/service-env.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';
import { eventually, servedVersion } from '../test/support/eventually.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const documentCount = argument('docs', 100_000);
const instanceCount = argument('instances', 3);
const changeCount = Math.max(5, argument('changes', 6));
const clientCount = argument('clients', 6);
const CHANGE_SIZE = 100;
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 47100);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'bench-admin-password-123';

const id = randomBytes(4).toString('hex');
const root = mkdtempSync(join(tmpdir(), 'apfa-change-bench-'));
const corpusPath = join(root, 'corpus.jsonl');
const prefix = `${process.env.BENCH_KEY_PREFIX ?? 'apfa:'}bench-change-${id}:`;
const schema = `bench_change_${id}`;
// The swap channel announces every version; the poll is the fallback only.
const env = benchServiceEnv(
  { dataDir: root, adminPassword: PASSWORD, databaseUrl, schema, redisUrl, keyPrefix: prefix, corpusPath },
  { INDEX_SEGMENTS: 'on', INDEX_POLL_SECONDS: '10' },
);

interface Core {
  child: ChildProcess;
  url: string;
  /** 'index loaded' / 'index swapped' lines: version → ms. */
  swapMs: Map<string, number>;
  /** The worker's 'published index version' lines: version → epoch ms. */
  publishedAt: Map<string, number>;
}

function startCore(mode: 'api' | 'worker', port: number): Promise<Core> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/main.ts', mode], {
    env: { ...env, PORT: String(port), WORKER_METRICS_PORT: String(PORT_BASE + 50) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const swapMs = new Map<string, number>();
  const publishedAt = new Map<string, number>();
  return new Promise<Core>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${mode} process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: string; port?: number; version?: string; ms?: number; level?: number; time?: number; err?: { message?: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) console.error(`${mode}: ${entry.msg} ${entry.err?.message ?? ''}`);
      if (entry.msg?.startsWith('APFA core listening') && entry.port) resolve({ child, url: `http://127.0.0.1:${entry.port}`, swapMs, publishedAt });
      if (entry.msg?.startsWith('APFA worker running')) resolve({ child, url: '', swapMs, publishedAt });
      if (entry.msg === 'published index version' && entry.version && entry.time !== undefined) publishedAt.set(entry.version, entry.time);
      if ((entry.msg === 'index swapped' || entry.msg === 'index loaded') && entry.version && entry.ms !== undefined) swapMs.set(entry.version, entry.ms);
    });
  });
}

// Every 25 ms: finer polling of three instances would itself load the 2-core machine it measures.
const until = <T>(probe: () => Promise<T | null>, what: string, timeoutMs = 900_000): Promise<T> => eventually(probe, what, timeoutMs, 25);

interface Source {
  id: string;
  excerpt: string;
}
interface Answer {
  indexVersion: string;
  sources: Source[];
}

let token = '';
async function advice(url: string, query: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/advice`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, text: await response.text() };
}
async function admin(url: string, route: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${url}${route}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${init.method ?? 'GET'} ${route}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

const cores: Core[] = [];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
async function cleanUp() {
  for (const core of cores) core.child.kill('SIGTERM');
  await Promise.all(cores.map((core) => new Promise((resolve) => (core.child.exitCode !== null ? resolve(null) : core.child.once('exit', resolve)))));
  await removeBenchKeys(redisUrl, prefix).catch(() => {});
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await pool.end();
  rmSync(root, { recursive: true, force: true });
}

const loadAtStart = loadavg().map((value) => round(value, 2));
writeSyntheticCorpus(corpusPath, documentCount);
const started = performance.now();
const apis: Core[] = [];
try {
  for (let i = 0; i < instanceCount; i++) {
    const api = await startCore('api', PORT_BASE + i);
    cores.push(api);
    apis.push(api);
  }
  // Worker mode queues a sync of the corpus as it starts: the base version.
  const worker = await startCore('worker', 0);
  cores.push(worker);
  const base = await until(async () => {
    const versions = await Promise.all(apis.map((api) => servedVersion(api.url)));
    return versions.every((version) => version !== null && version === versions[0]) ? versions[0]! : null;
  }, 'every instance serving the base version');
  const baseSeconds = (performance.now() - started) / 1000;
  console.log(`base ${base}: ${documentCount} documents built and loaded on ${instanceCount} instances in ${baseSeconds.toFixed(1)} s`);
  const tokenResponse = await fetch(`${apis[0]!.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  token = ((await tokenResponse.json()) as { access_token: string }).access_token;

  /** Per version: the documents changes touched, each with the marker its text holds there, or null (deleted). */
  const expectations = new Map<string, Map<string, string | null>>([[base, new Map()]]);
  const answers: Answer[] = [];
  const failures: string[] = [];
  let requests = 0;

  const QUESTIONS = ['What are my options for a $200,000 home with a 620 credit score?', 'When can I cancel private mortgage insurance?', 'What is the difference between APR and the interest rate?', 'How does a HELOC draw period work?'];
  const changeTokens: string[] = [];
  let trafficOn = true;
  const trafficRandom = random(7);
  const clients = Array.from({ length: clientCount }, async (_, client) => {
    let n = client;
    while (trafficOn) {
      const api = apis[n++ % apis.length]!;
      const recent = changeTokens.length > 0 && trafficRandom() < 0.5 ? changeTokens[Math.floor(trafficRandom() * changeTokens.length)] : undefined;
      const query = recent ? `What do lenders say about the ${recent} escrow rule?` : QUESTIONS[Math.floor(trafficRandom() * QUESTIONS.length)]!;
      requests++;
      try {
        const { status, text } = await advice(api.url, query);
        if (status !== 200) failures.push(`${status} ${text.slice(0, 200)}`);
        else answers.push(JSON.parse(text) as Answer);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });

  const pickRandom = random(11);
  const touched = new Set<string>();
  const changes: Record<string, unknown>[] = [];
  const visible: number[] = [];
  const visibleFromSync: number[] = [];
  let lastAdd: string[] = [];
  let current = base;
  for (let c = 0; c < changeCount; c++) {
    const kind = (['add', 'update', 'delete'] as const)[c % 3]!;
    const changeToken = `chg${c}tok`;
    const marker = `rev${c}mark`;
    const text = (i: number) => `The ${changeToken} escrow rule ${marker}: lenders review the escrow cushion of note ${i} every year and refund a surplus to borrowers.`;
    let probe: { query: string; ids: Set<string>; present: boolean };
    const previousExpectation = expectations.get(current)!;
    const expected = new Map(previousExpectation);
    const t0 = performance.now();
    const t0Epoch = Date.now();
    // When the request that starts the sync was sent: the only one, for an upload or a delete.
    const syncStarted = t0;
    if (kind === 'delete') {
      // One request removes the 100 documents the add before uploaded and starts one sync.
      const ids = lastAdd;
      await admin(apis[c % apis.length]!.url, '/admin/documents/delete', { method: 'POST', body: JSON.stringify({ ids }) });
      for (const documentId of ids) expected.set(documentId, null);
      probe = { query: `What do lenders say about the ${changeTokens.at(-2) ?? ''} escrow rule?`, ids: new Set(ids), present: false };
    } else {
      let ids: string[];
      if (kind === 'add') {
        ids = Array.from({ length: CHANGE_SIZE }, (_, i) => `new-${c}-${i}`);
        lastAdd = ids;
      } else {
        ids = [];
        while (ids.length < CHANGE_SIZE) {
          const candidate = `doc-${Math.floor(pickRandom() * documentCount)}`;
          if (!touched.has(candidate)) {
            touched.add(candidate);
            ids.push(candidate);
          }
        }
      }
      const documents = ids.map((documentId, i) => ({ id: documentId, title: `Escrow note ${changeToken} ${i}`, text: text(i) }));
      await admin(apis[c % apis.length]!.url, '/admin/documents', { method: 'POST', body: JSON.stringify({ documents }) });
      for (const documentId of ids) expected.set(documentId, marker);
      probe = { query: `What do lenders say about the ${changeToken} escrow rule?`, ids: new Set(ids), present: true };
    }
    const uploadedMs = performance.now() - t0;
    changeTokens.push(changeToken);
    const from = current;
    const perInstance = await Promise.all(
      apis.map(async (api) => {
        const version = await until(async () => {
          const served = await servedVersion(api.url);
          return served !== null && served !== from ? served : null;
        }, `instance ${api.url} to leave ${from}`, 600_000);
        const versionMs = performance.now() - t0;
        await until(async () => {
          const { status, text: body } = await advice(api.url, probe.query);
          if (status !== 200) return null;
          const answer = JSON.parse(body) as Answer;
          const ok = probe.present
            ? answer.sources.length > 0 && probe.ids.has(answer.sources[0]!.id) && answer.sources[0]!.excerpt.includes(marker)
            : !answer.sources.some((source) => probe.ids.has(source.id));
          return ok ? true : null;
        }, `the change on ${api.url}`, 600_000);
        return { version, versionMs, visibleMs: performance.now() - t0 };
      }),
    );
    const version = perInstance[0]!.version;
    if (perInstance.some((entry) => entry.version !== version)) throw new Error(`instances moved to different versions: ${perInstance.map((entry) => entry.version).join(', ')}`);
    expectations.set(version, expected);
    current = version;
    const visibleMs = Math.max(...perInstance.map((entry) => entry.visibleMs));
    visible.push(visibleMs);
    visibleFromSync.push(visibleMs - (syncStarted - t0));
    changes.push({
      change: c,
      kind,
      documents: CHANGE_SIZE,
      version,
      uploadMs: round(uploadedMs),
      syncRequestAtMs: round(syncStarted - t0),
      // The worker's log line for the publish (its sync job read the source, built and stored the delta, moved the pointer, announced it).
      publishedMs: worker.publishedAt.has(version) ? worker.publishedAt.get(version)! - t0Epoch : null,
      visibleMs: round(visibleMs),
      perInstance: perInstance.map((entry, i) => ({ newVersionMs: round(entry.versionMs), visibleMs: round(entry.visibleMs), loadAndSwapMs: apis[i]!.swapMs.get(version) ?? null })),
      loadAverage: loadavg().map((value) => round(value, 2)),
    });
    console.log(`change ${c} (${kind} ${CHANGE_SIZE}): uploaded in ${uploadedMs.toFixed(0)} ms, visible on all ${instanceCount} instances ${visibleMs.toFixed(0)} ms after the first request (instances: ${perInstance.map((entry) => entry.visibleMs.toFixed(0)).join(', ')} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  trafficOn = false;
  await Promise.all(clients);

  // Every answer against what its version holds.
  let mixedVersionAnswers = 0;
  let unknownVersionAnswers = 0;
  const mixedExamples: string[] = [];
  for (const answer of answers) {
    const expected = expectations.get(answer.indexVersion);
    if (expected === undefined) {
      unknownVersionAnswers++;
      continue;
    }
    const mixed = answer.sources.some(({ id: sourceId, excerpt }) => {
      if (!expected.has(sourceId)) return /rev\d+mark/.test(excerpt);
      const marker = expected.get(sourceId);
      return marker === null || marker === undefined || !excerpt.includes(marker);
    });
    if (mixed) {
      mixedVersionAnswers++;
      if (mixedExamples.length < 5) mixedExamples.push(JSON.stringify(answer).slice(0, 400));
    }
  }
  const sorted = [...visible].sort((a, b) => a - b);
  const fromSync = [...visibleFromSync].sort((a, b) => a - b);
  const results = {
    visibleMs: { p50: round(percentile(sorted, 50)), max: round(sorted.at(-1)!) },
    // From the request that starts the sync: every change is one request now, so this equals visibleMs.
    visibleFromSyncRequestMs: { p50: round(percentile(fromSync, 50)), max: round(fromSync.at(-1)!) },
    failedRequests: failures.length,
    mixedVersionAnswers,
    requests,
    answersChecked: answers.length,
    unknownVersionAnswers,
    ...(failures.length > 0 ? { failureExamples: failures.slice(0, 5) } : {}),
    ...(mixedExamples.length > 0 ? { mixedExamples } : {}),
    setup: {
      documents: documentCount,
      instances: instanceCount,
      clients: clientCount,
      changeSize: CHANGE_SIZE,
      instanceKind: 'core/main.ts api (INDEX_SEGMENTS=on), each its own process, plus one core/main.ts worker (BullMQ, job sandbox); Redis, PostgreSQL, local-folder object store',
      timedFrom: "the change's first admin request (upload or delete) to every instance serving the new version and answering a probe question with the change applied",
      baseBuildAndLoadSeconds: round(baseSeconds, 1),
      loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((value) => round(value, 2)) },
    },
    changes,
  };
  saveResults('change-latency', results);
  console.log(JSON.stringify({ visibleMs: results.visibleMs, visibleFromSyncRequestMs: results.visibleFromSyncRequestMs, failedRequests: results.failedRequests, mixedVersionAnswers, requests, unknownVersionAnswers }));
} finally {
  await cleanUp();
}
process.exit(0);
