import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors/app-error.ts';
import { describeEmbedder, lexicalBuildEmbedders } from '../../../core/jobs/build-embedders.ts';
import { createRunStore } from '../../../core/jobs/run-store.ts';
import { createProcessSandbox, type ProcessorSandbox } from '../../../core/jobs/sandbox/process-sandbox.ts';
import { isPermanentFailure } from '../../../core/jobs/permanent-failure.ts';
import type { JobPayloads } from '../../../shared/contracts/jobs.ts';
import type { SandboxedJob } from '../../../core/jobs/sandbox/sandbox-protocol.ts';
import type { ProcessorContext } from '../../../core/ports/job-workers.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { silentLogger } from './job-system-harness.ts';

const documents = Array.from({ length: 40 }, (_, i) => ({
  id: `doc-${i}`,
  title: `Escrow ${i}`,
  text: `An escrow account holds property tax number ${i} and homeowners insurance; lenders review it every year.`,
}));

function context<N extends SandboxedJob>(name: N, data: JobPayloads[N], progress: unknown[] = []): ProcessorContext<N> {
  return {
    id: `${name}.test`,
    name,
    queue: name === 'build-index' ? 'indexing' : 'embedding',
    data,
    attemptsMade: 0,
    progress: async (value) => {
      progress.push(value);
    },
    childrenValues: async () => [],
    addFlow: async () => 'unused',
  };
}

describe('process sandbox', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sandboxOver(): Promise<{ sandbox: ProcessorSandbox; store: LocalFolderObjectStore }> {
    const root = await mkdtemp(path.join(tmpdir(), 'apfa-sandbox-unit-'));
    const store = new LocalFolderObjectStore(root);
    const sandbox = createProcessSandbox({ spec: { store: { kind: 'local-folder', root }, embedders: { kind: 'lexical' } }, size: 1, logger: silentLogger });
    cleanups.push(async () => {
      await sandbox.close({ force: true });
      await rm(root, { recursive: true, force: true });
    });
    return { sandbox, store };
  }

  it('fits the lexical embedder in the child exactly as inline, and embeds a batch there with progress relayed', async () => {
    const { sandbox, store } = await sandboxOver();
    const fitted = await sandbox.fit({ documents, previous: null, changedFraction: 1 });
    const inline = describeEmbedder(await lexicalBuildEmbedders().forRun({ documents, previous: null, changedFraction: 1 }));
    expect(fitted).toEqual(inline);
    expect(sandbox.pids()).toHaveLength(1);

    const runs = createRunStore(store);
    const run = '0123456789abcdef';
    await runs.writeRun({ run, source: { name: 'corpus', snapshot: 's1' }, embedder: { id: fitted.id, modelHash: fitted.modelHash }, dimension: 384, documents: 40, batchSize: 40, batches: 1, reused: 0, created: new Date().toISOString() });
    await runs.writeEmbedder(run, fitted);
    await runs.writeBatchInput(run, 0, { documents, hashes: documents.map(() => 'x'), reuse: documents.map(() => null) });
    const progress: unknown[] = [];
    const result = (await sandbox.processor('embed-batch')(context('embed-batch', { run, batch: 0 }, progress))) as { count: number; embedded: number };
    expect(result).toMatchObject({ count: 40, embedded: 40 });
    expect(progress.length).toBeGreaterThan(0);
    const vectors = await runs.readVectors(run, 0, 40, 384);
    const embedder = await lexicalBuildEmbedders().restore(fitted);
    expect(Array.from(vectors!.subarray(0, 384))).toEqual(Array.from((await embedder.embed([`${documents[0]!.title}\n\n${documents[0]!.text}`])).subarray(0, 384)));
  }, 30_000);

  it('keeps an AppError code across the process boundary, so a permanent failure stays permanent', async () => {
    const { sandbox } = await sandboxOver();
    const error = await sandbox.processor('build-index')(context('build-index', { run: 'fedcba9876543210' })).catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('not-found');
    expect(isPermanentFailure(error)).toBe(true);
  }, 30_000);

  it('a sandbox process killed mid-task fails that task with a retryable error, and the next task gets a fresh process', async () => {
    const { sandbox } = await sandboxOver();
    await sandbox.fit({ documents: documents.slice(0, 2), previous: null, changedFraction: 1 });
    const [pid] = sandbox.pids();
    const big = Array.from({ length: 60_000 }, (_, i) => ({ id: `d${i}`, title: `t${i}`, text: `${documents[i % 40]!.text} unique${i}` }));
    const pending = sandbox.fit({ documents: big, previous: null, changedFraction: 1 });
    process.kill(pid!, 'SIGKILL');
    const error = await pending.catch((caught: unknown) => caught);
    expect(isAppError(error) && error.code).toBe('internal');
    expect(isPermanentFailure(error)).toBe(false);
    const again = await sandbox.fit({ documents, previous: null, changedFraction: 1 });
    expect(again.id).toBe('lexical-hash-v1');
    expect(sandbox.pids()).not.toContain(pid);
  }, 30_000);
});
