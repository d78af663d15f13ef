/**
 * Issue 18 item 3: how long a change of 100 documents takes from upload to searchable on every
 * serving instance, with segments (docs/segments.md). Builds a `--docs` (default 100k) synthetic
 * base, starts `--instances` (default 3) serving processes (bench/support/change-instance.ts: the
 * segment loader + live index + BM25, a stand-in for the API's retrieval path, since segments are
 * not wired into core/main yet), keeps `--clients` (default 6) concurrent searches flowing to them,
 * and publishes `--changes` (default 6, ≥ 5) changes in turn: add 100, update 100, delete 100 (the
 * documents the add before added). Each change is timed from the moment it is handed to the
 * publisher (delta build + upload + pointer + announcement included) until every instance answers
 * its probe query with the change applied (all 100 new texts found; or none of the deleted ones).
 * Every answer is checked against the version it reports: a changed document must carry the text
 * of that version (mixedVersionAnswers counts answers that do not). Writes
 * bench/results/change-latency.json: results.visibleMs.p50 / .max, results.failedRequests,
 * results.mixedVersionAnswers, and per change the build/upload and per-instance times.
 * Redis channel `h6seg:bench:swap`, ports 4500+, data under /tmp/h6seg/.
 *
 * `npm run bench:change [-- --docs 100000 --instances 3 --changes 6 --clients 6]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { fitLexicalEmbedder } from '../core/embedding/lexical-embedder-state.ts';
import { buildIndexVersion } from '../core/indexing/build-index.ts';
import { createIndexRepository } from '../core/indexing/index-repository.ts';
import type { KnowledgeDocument } from '../core/ports/document.ts';
import { buildDelta, type ChangeSet } from '../core/segments/build-delta.ts';
import { createSegmentLoader, type LoadedChain } from '../core/segments/segment-loader.ts';
import { saveDelta, setSegmentedLatest } from '../core/segments/segment-store.ts';
import { LocalFolderObjectStore } from '../core/storage/local-folder-object-store.ts';
import { percentile, random, round, saveResults } from './support/results.ts';
import { writeSyntheticCorpus } from './support/synthetic-corpus.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const documentCount = argument('docs', 100_000);
const instanceCount = argument('instances', 3);
const changeCount = Math.max(5, argument('changes', 6));
const clientCount = argument('clients', 6);
const CHANGE_SIZE = 100;
const PORT_BASE = 4500;
const channel = 'h6seg:bench:swap';
const root = `/tmp/h6seg/change-bench-${process.pid}`;

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const corpusPath = join(root, 'corpus.jsonl');
writeSyntheticCorpus(corpusPath, documentCount);
const corpus = readFileSync(corpusPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as KnowledgeDocument);
const store = new LocalFolderObjectStore(join(root, 'store'));
const repository = createIndexRepository(store, { deferVectors: () => true });
let started = performance.now();
const embedder = fitLexicalEmbedder(corpus);
const built = await buildIndexVersion({ documents: corpus, embedder, sourceName: 'bench', plan: { kind: 'Flat' } });
built.index.close();
await repository.save(built, { setLatest: false });
await setSegmentedLatest(store, built.manifest.version);
const baseBuildMs = performance.now() - started;
console.log(`base ${built.manifest.version}: ${documentCount} documents in ${(baseBuildMs / 1000).toFixed(1)} s`);

const loader = createSegmentLoader({ store, repository });
let current: LoadedChain = await loader.load(built.manifest.version);

/** What each version's answers must show for the documents changes touched: a marker their text holds, or null (gone). */
const expectations = new Map<string, Map<string, string | null>>([[built.manifest.version, new Map()]]);
const swapLines: string[] = [];
const children: ChildProcess[] = [];
for (let i = 0; i < instanceCount; i++) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/change-instance.ts', '--root', join(root, 'store'), '--port', String(PORT_BASE + i), '--channel', channel], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${i} exited with ${code}`)));
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else swapLines.push(`${i} ${line}`);
    });
  });
  console.log(`instance ${i} ready on ${PORT_BASE + i}`);
}
const publisher = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

interface Answer {
  version: string;
  hits: { id: string; text: string }[];
}
async function search(instance: number, query: string, k: number): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${PORT_BASE + instance}/search?q=${encodeURIComponent(query)}&k=${k}`);
  if (!response.ok) throw new Error(`instance ${instance}: HTTP ${response.status}`);
  return (await response.json()) as Answer;
}

let requests = 0;
let failedRequests = 0;
let mixedVersionAnswers = 0;
let unknownVersionAnswers = 0;
const mixedExamples: string[] = [];
function check(answer: Answer): void {
  const expected = expectations.get(answer.version);
  if (expected === undefined) {
    unknownVersionAnswers++;
    return;
  }
  const mixed = answer.hits.some(({ id, text }) => {
    if (!expected.has(id)) return / rev\d+ /.test(text);
    const marker = expected.get(id);
    return marker === null || marker === undefined || !text.includes(marker);
  });
  if (mixed) {
    mixedVersionAnswers++;
    if (mixedExamples.length < 5) mixedExamples.push(JSON.stringify(answer).slice(0, 300));
  }
}

const TRAFFIC_QUERIES = ['FHA mortgage insurance premium', 'refinance break-even closing costs', 'HELOC draw period', 'PMI cancellation appraisal', 'student loan forgiveness servicer', 'APR finance charge'];
const changeTokens: string[] = [];
let trafficOn = true;
const trafficRandom = random(7);
const clients = Array.from({ length: clientCount }, async (_, client) => {
  let n = client;
  while (trafficOn) {
    const instance = n++ % instanceCount;
    const tokens = changeTokens.length > 0 && trafficRandom() < 0.5 ? [changeTokens[Math.floor(trafficRandom() * changeTokens.length)]!] : [];
    const query = [TRAFFIC_QUERIES[Math.floor(trafficRandom() * TRAFFIC_QUERIES.length)]!, ...tokens].join(' ');
    requests++;
    try {
      check(await search(instance, query, 10));
    } catch {
      failedRequests++;
    }
  }
});

const pickRandom = random(11);
const touched = new Set<string>();
const changes: Record<string, unknown>[] = [];
const visible: number[] = [];
let lastAdd: string[] = [];
for (let c = 0; c < changeCount; c++) {
  const kind = (['add', 'update', 'delete'] as const)[c % 3]!;
  const token = `chg${c}tok`;
  const marker = ` rev${c} `;
  const text = (i: number) => `Changed guidance ${i} for ${token} borrowers:${marker}lenders review the updated figures ${token}.`;
  let set: ChangeSet;
  let probe: { query: string; ids: Set<string>; present: boolean };
  if (kind === 'add') {
    const upserts = Array.from({ length: CHANGE_SIZE }, (_, i) => ({ id: `new-${c}-${i}`, title: `Added note ${c}-${i}`, text: text(i) }));
    lastAdd = upserts.map((document) => document.id);
    set = { upserts, deletes: [] };
    probe = { query: token, ids: new Set(lastAdd), present: true };
  } else if (kind === 'update') {
    const ids: string[] = [];
    while (ids.length < CHANGE_SIZE) {
      const id = `doc-${Math.floor(pickRandom() * documentCount)}`;
      if (!touched.has(id)) {
        touched.add(id);
        ids.push(id);
      }
    }
    set = { upserts: ids.map((id, i) => ({ id, title: `Updated note ${id}`, text: text(i) })), deletes: [] };
    probe = { query: token, ids: new Set(ids), present: true };
  } else {
    set = { upserts: [], deletes: lastAdd };
    probe = { query: changeTokens.at(-2) ?? '', ids: new Set(lastAdd), present: false };
  }
  const t0 = performance.now();
  const delta = await buildDelta({ chain: current.chain, changes: set, embedder });
  const builtMs = performance.now() - t0;
  await saveDelta(store, delta);
  const version = delta.version.version;
  const expected = new Map(expectations.get(current.chain.version)!);
  for (const document of set.upserts) expected.set(document.id, marker);
  for (const id of set.deletes) expected.set(id, null);
  expectations.set(version, expected);
  await setSegmentedLatest(store, version);
  await publisher.publish(channel, JSON.stringify({ version }));
  const publishedMs = performance.now() - t0;
  changeTokens.push(token);
  const perInstance = await Promise.all(
    Array.from({ length: instanceCount }, async (_, instance) => {
      for (;;) {
        try {
          const answer = await search(instance, probe.query, CHANGE_SIZE);
          const found = answer.hits.filter((hit) => probe.ids.has(hit.id)).length;
          if (probe.present ? found === CHANGE_SIZE : found === 0 && answer.version === version) return performance.now() - t0;
        } catch {
          // Counted by the traffic clients; the probe only waits.
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }),
  );
  const visibleMs = Math.max(...perInstance);
  visible.push(visibleMs);
  const previous = current;
  current = await loader.load(version);
  previous.close();
  changes.push({ change: c, kind, documents: CHANGE_SIZE, version, deltaBuildMs: round(builtMs), publishedMs: round(publishedMs), visibleMs: round(visibleMs), perInstanceMs: perInstance.map((ms) => round(ms)) });
  console.log(`change ${c} (${kind} ${CHANGE_SIZE}): built ${builtMs.toFixed(0)} ms, published ${publishedMs.toFixed(0)} ms, visible on all ${instanceCount} instances ${visibleMs.toFixed(0)} ms`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
trafficOn = false;
await Promise.all(clients);
for (const child of children) child.kill('SIGTERM');
publisher.disconnect();
current.close();

const sorted = [...visible].sort((a, b) => a - b);
saveResults('change-latency', {
  visibleMs: { p50: round(percentile(sorted, 50)), max: round(sorted.at(-1)!) },
  failedRequests,
  mixedVersionAnswers,
  requests,
  unknownVersionAnswers,
  ...(mixedExamples.length > 0 ? { mixedExamples } : {}),
  setup: {
    documents: documentCount,
    instances: instanceCount,
    clients: clientCount,
    changeSize: CHANGE_SIZE,
    instanceKind: 'bench/support/change-instance.ts: segment loader + live index + segmented BM25 in its own process (not core/main: segments are not wired into the API yet)',
    timedFrom: 'the change handed to the publisher (delta build, upload, pointer, announcement included) to every instance answering the probe with it',
    baseBuildSeconds: round(baseBuildMs / 1000, 1),
  },
  changes,
  instanceSwaps: swapLines,
});
rmSync(root, { recursive: true, force: true });
process.exit(0);
