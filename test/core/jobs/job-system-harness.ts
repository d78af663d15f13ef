import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { lexicalBuildEmbedders, type BuildEmbedders } from '../../../core/jobs/build-embedders.ts';
import { createJobRunner, type ConfiguredJobRunner, type JobRunnerOptions } from '../../../core/jobs/create-job-runner.ts';
import { createJobSystem, type JobSystem, type JobSystemOptions } from '../../../core/jobs/create-job-system.ts';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import { QUEUE_NAMES } from '../../../core/jobs/queue-topology.ts';
import type { SwapMessage } from '../../../core/jobs/swap-message.ts';
import { createIndexRepository, type IndexRepository } from '../../../core/indexing/index-repository.ts';
import type { Embedder } from '../../../core/ports/embedder.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';
export const CORPUS = path.resolve(import.meta.dirname, '../../../data/corpus/lending-guide.jsonl');
export const silentLogger = pino({ level: 'silent' });

/** Called before each embed call with the texts; may throw or wait (to fail or hold a batch). */
export type EmbedHook = (texts: readonly string[]) => Promise<void> | void;

/** The lexical build embedders, with every text embedded recorded (real embedder, calls counted). */
export function recordingEmbedders(hook?: EmbedHook): { embedders: BuildEmbedders; embedded: string[] } {
  const embedded: string[] = [];
  const inner = lexicalBuildEmbedders();
  const wrap = (embedder: Embedder): Embedder => ({
    id: embedder.id,
    modelHash: embedder.modelHash,
    dimension: embedder.dimension,
    toJSON: () => (embedder as Embedder & { toJSON(): unknown }).toJSON(),
    async embed(texts: readonly string[]) {
      await hook?.(texts);
      embedded.push(...texts);
      return embedder.embed(texts);
    },
  }) as Embedder;
  return {
    embedded,
    embedders: {
      buildEmbedderId: inner.buildEmbedderId,
      forRun: async (input) => wrap(await inner.forRun(input)),
      restore: async (descriptor) => wrap(await inner.restore(descriptor)),
    },
  };
}

export interface Harness {
  system: JobSystem;
  runner: ConfiguredJobRunner;
  repository: IndexRepository;
  store: LocalFolderObjectStore;
  corpusPath: string;
  events: JobEvent[];
  swaps: SwapMessage[];
  embedded: string[];
  prefix: string;
  waitFor(predicate: (event: JobEvent) => boolean, what: string, timeoutMs?: number): Promise<JobEvent>;
  /** Waits for the next index.swapped after the events seen so far. */
  nextSwap(timeoutMs?: number): Promise<Extract<JobEvent, { type: 'index.swapped' }>>;
  rewriteCorpus(edit: (rows: Record<string, unknown>[]) => Record<string, unknown>[]): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  redisUrl?: string | undefined;
  prefix?: string;
  embedHook?: EmbedHook;
  settings?: JobSystemOptions['settings'];
  /** Share a data folder (and corpus) with another harness. */
  root?: string;
  start?: boolean;
  events?: JobRunnerOptions['events'];
  role?: JobRunnerOptions['role'];
  resyncSources?: string[];
  queueDepthIntervalMs?: number;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), 'apfa-jobs-')));
  const corpusPath = path.join(root, 'corpus.jsonl');
  if (ownRoot) await copyFile(CORPUS, corpusPath);
  const store = new LocalFolderObjectStore(path.join(root, 'objects'));
  const repository = createIndexRepository(store);
  const prefix = options.prefix ?? `test:${randomBytes(6).toString('hex')}:`;
  const events: JobEvent[] = [];
  const swaps: SwapMessage[] = [];
  const listeners = new Set<() => void>();
  const { embedders, embedded } = recordingEmbedders(options.embedHook);
  const settings: JobSystemOptions['settings'] = {
    batchSize: 10,
    backoffMs: 50,
    lockDurationMs: 2000,
    stalledIntervalMs: 500,
    schedules: { resync: null, cleanup: null, stats: null },
    ...options.settings,
  };
  const runner = createJobRunner({
    redis: options.redisUrl ?? null,
    prefix,
    settings,
    logger: silentLogger,
    role: options.role ?? 'all',
    ...(options.events ? { events: options.events } : {}),
  });
  const system = createJobSystem({
    runner,
    store,
    repository,
    sources: (name) => (name === 'corpus' ? createDocumentSource({ kind: 'jsonl', path: corpusPath, name: 'corpus' }) : undefined),
    embedders,
    settings,
    onSwap: (message) => {
      swaps.push(message);
    },
    onEvent: (event) => {
      events.push(event);
      for (const listener of listeners) listener();
    },
    ...(options.resyncSources ? { resyncSources: options.resyncSources } : {}),
    ...(options.queueDepthIntervalMs === undefined ? {} : { queueDepthIntervalMs: options.queueDepthIntervalMs }),
    logger: silentLogger,
  });
  if (options.start !== false) await system.start();

  const waitFor = (predicate: (event: JobEvent) => boolean, what: string, timeoutMs = 30_000, from = 0) =>
    new Promise<JobEvent>((resolve, reject) => {
      const check = () => {
        const found = events.slice(from).find(predicate);
        if (found) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-8))}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  return {
    system,
    runner,
    repository,
    store,
    corpusPath,
    events,
    swaps,
    embedded,
    prefix,
    waitFor: (predicate, what, timeoutMs) => waitFor(predicate, what, timeoutMs),
    nextSwap(timeoutMs) {
      const from = events.length;
      return waitFor((event) => event.type === 'index.swapped', 'index.swapped', timeoutMs, from) as Promise<Extract<JobEvent, { type: 'index.swapped' }>>;
    },
    async rewriteCorpus(edit) {
      const rows = (await readFile(corpusPath, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      await writeFile(corpusPath, edit(rows).map((row) => JSON.stringify(row)).join('\n') + '\n');
    },
    async close() {
      await system.close({ force: true }).catch(() => {});
      await runner.close({ force: true }).catch(() => {});
      if (options.redisUrl) await removeRedisKeys(options.redisUrl, prefix);
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

/** Obliterates the test's queues and deletes every key under its prefix. */
export async function removeRedisKeys(url: string, prefix: string): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await connection.connect();
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, { connection, prefix: `${prefix}bull` });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await connection.del(...keys);
    } while (cursor !== '0');
  } finally {
    connection.disconnect();
  }
}

/** A redis-server of the test's own (append-only file, fsync always, so a kill loses nothing) on a free port. */
export async function startOwnRedis(options: { port?: number; dir?: string; policy?: string } = {}): Promise<{ url: string; port: number; dir: string; stop(signal?: NodeJS.Signals): Promise<void> }> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'apfa-redis-')));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--maxmemory-policy', options.policy ?? 'noeviction'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch (error) {
      probe.disconnect();
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    port,
    dir,
    stop: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
