import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIndexRepository, type IndexRepository } from '../../../core/indexing/index-repository.ts';
import { createJobRunner } from '../../../core/jobs/create-job-runner.ts';
import { createJobSystem, type JobSystem } from '../../../core/jobs/create-job-system.ts';
import type { JobEvent } from '../../../core/jobs/job-events.ts';
import type { CleanupResult } from '../../../core/jobs/processors/cleanup.ts';
import type { IngestResult } from '../../../core/jobs/processors/ingest.ts';
import type { PublishResult } from '../../../core/jobs/processors/publish.ts';
import { createChangePublisher, type ChangePublisher } from '../../../core/segments/change-publisher.ts';
import { createSegmentLoader } from '../../../core/segments/segment-loader.ts';
import { readSegmentedVersion } from '../../../core/segments/segment-store.ts';
import { segmentedIndexRepository } from '../../../core/segments/segmented-repository.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { LocalFolderObjectStore } from '../../../core/storage/local-folder-object-store.ts';
import { CORPUS, recordingEmbedders, silentLogger, type EmbedHook } from '../jobs/job-system-harness.ts';

/**
 * The sync job with segments on (in-process runner, real store and repository): a small change
 * is published as a delta (only its documents embedded), a chain reaching the merge policy
 * queues the merge (a forced build) whose base holds exactly the live documents, and cleanup
 * keeps every base and delta a kept version references and deletes the rest.
 */
describe('segments in the job system', () => {
  let root: string;
  let store: LocalFolderObjectStore;
  let repository: IndexRepository;
  let segments: ChangePublisher;
  let system: JobSystem;
  let events: JobEvent[];
  let embedded: string[];
  let corpusPath: string;

  const start = async (policy: { mergeDeltas: number }, options: { embedHook?: EmbedHook; batchSize?: number } = {}) => {
    const runner = createJobRunner({ redis: null, prefix: 'test:', settings: {}, logger: silentLogger, role: 'all' });
    const recording = recordingEmbedders(options.embedHook);
    embedded = recording.embedded;
    segments = createChangePublisher({ store, repository: createIndexRepository(store, { deferVectors: () => true }), policy: { maxChangeFraction: 0.2, mergeDeltas: policy.mergeDeltas, mergeTombstoneFraction: 1 } });
    system = createJobSystem({
      runner,
      store,
      repository,
      sources: (name) => (name === 'corpus' ? createDocumentSource({ kind: 'jsonl', path: corpusPath, name: 'corpus' }) : undefined),
      embedders: recording.embedders,
      settings: { batchSize: options.batchSize ?? 20, backoffMs: 10, runGraceMs: 0, schedules: { resync: null, cleanup: null, stats: null } },
      segments,
      onEvent: (event) => events.push(event),
      logger: silentLogger,
    });
    await system.start();
  };
  const rows = async () => (await readFile(corpusPath, 'utf8')).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { id: string; title: string; text: string });
  const writeRows = (list: { id: string; title: string; text: string }[]) => writeFile(corpusPath, list.map((row) => JSON.stringify(row)).join('\n') + '\n');
  const sync = async (force = false): Promise<IngestResult> => {
    const jobId = await system.enqueueSync('corpus', { force });
    await system.whenIdle();
    const completed = events.find((event) => event.type === 'job.completed' && event.jobId === jobId);
    if (completed?.type !== 'job.completed') throw new Error(`ingest ${jobId} did not complete: ${JSON.stringify(events.filter((event) => event.type === 'job.failed'))}`);
    return completed.result as IngestResult;
  };
  const eventuallyCompleted = async (jobId: string): Promise<IngestResult> => {
    for (;;) {
      const completed = events.find((event) => event.type === 'job.completed' && event.jobId === jobId);
      if (completed?.type === 'job.completed') return completed.result as IngestResult;
      const failed = events.find((event) => event.type === 'job.failed' && event.jobId === jobId);
      if (failed) throw new Error(`job ${jobId} failed: ${JSON.stringify(failed)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const liveDocuments = async () => {
    const loaded = await createSegmentLoader({ store, repository: createIndexRepository(store, { deferVectors: () => true }) }).load((await repository.latestVersion())!);
    const documents = loaded.chain.liveDocuments().map(({ document }) => document);
    loaded.close();
    return new Map(documents.map((document) => [document.id, document.text]));
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'apfa-segment-jobs-'));
    corpusPath = path.join(root, 'corpus.jsonl');
    await copyFile(CORPUS, corpusPath);
    store = new LocalFolderObjectStore(path.join(root, 'objects'));
    repository = segmentedIndexRepository(createIndexRepository(store), store);
    events = [];
  });
  afterEach(async () => {
    await system?.close({ force: true });
    segments?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a small change is a delta embedding only its documents; at the merge policy a forced build publishes a base of exactly the live documents', async () => {
    await start({ mergeDeltas: 2 });
    const first = await sync();
    expect(first.run).toBeDefined();
    const base = await repository.latestVersion();
    expect(base).not.toBeNull();
    const initial = await rows();

    embedded.length = 0;
    await writeRows([...initial, { id: 'seg-a', title: 'Escrow cushion', text: 'The zephyrine escrow cushion is two months of escrow payments.' }]);
    const added = await sync();
    expect(added.delta).toMatchObject({ upserts: 1, deletes: 0, merge: false });
    expect(added.run).toBeUndefined();
    expect(added.published?.previous).toBe(base);
    // The delta's one document was embedded with the base's own lexical embedder, not the build embedders.
    expect(embedded).toEqual([]);
    const segmented = (await readSegmentedVersion(store, added.version!))!;
    expect(segmented).toMatchObject({ base: { version: base }, documents: initial.length + 1 });
    expect(events.some((event) => event.type === 'index.swapped' && event.version === added.version)).toBe(true);

    // An update and a delete: the second delta reaches the policy (2 deltas) and queues the merge.
    await writeRows([...initial.slice(1), { id: 'seg-a', title: 'Escrow cushion', text: 'The zephyrine escrow cushion is one sixth of the yearly escrow total.' }]);
    const changed = await sync();
    expect(changed.delta).toMatchObject({ upserts: 1, deletes: 1, merge: true });
    await system.whenIdle();
    const merged = (await repository.latestVersion())!;
    expect(merged).not.toBe(changed.version);
    expect(await readSegmentedVersion(store, merged)).toBeNull();
    const manifest = (await repository.listManifests()).find((candidate) => candidate.version === merged)!;
    expect(manifest.count).toBe(initial.length);
    const live = await liveDocuments();
    expect(live.get('seg-a')).toContain('one sixth');
    expect(live.has(initial[0]!.id)).toBe(false);

    // Nothing changed since: the sync is skipped.
    expect((await sync()).skipped).toBe(true);
  });

  it('a change published as a delta while a full build runs is applied on the new base when it goes live, not lost', async () => {
    let holding = false;
    let entered: () => void = () => {};
    const inBuild = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await start({ mergeDeltas: 50 }, {
      batchSize: 1000,
      embedHook: async (texts) => {
        if (!holding || texts.length < 10) return;
        entered();
        await released;
      },
    });
    await sync();
    const base = (await repository.latestVersion())!;
    const initial = await rows();

    // A re-embed (every document embedded again) is held in its one embed-batch job…
    holding = true;
    const rebuild = await system.enqueueSync('corpus', { reembed: true });
    await inBuild;
    // …while a small change is synced and published as a delta on the live base.
    await writeRows([...initial, { id: 'seg-late', title: 'Escrow refund', text: 'The quillfeather escrow refund arrives within thirty days of the yearly analysis.' }]);
    const late = await system.enqueueSync('corpus');
    const lateResult = await eventuallyCompleted(late);
    expect(lateResult.delta).toMatchObject({ upserts: 1 });
    expect((await readSegmentedVersion(store, lateResult.version!))?.base.version).toBe(base);

    release();
    await system.whenIdle();
    expect(events.some((event) => event.type === 'job.completed' && event.jobId === rebuild)).toBe(true);
    const live = (await repository.latestVersion())!;
    // The rebuilt base (from the snapshot before the change; the same documents re-embedded give
    // the same version here) did not go live bare, which would hide the change: its publish applied
    // the change on it.
    const publish = events.find((event) => event.type === 'job.completed' && event.name === 'publish' && (event.result as PublishResult).base !== undefined);
    expect(publish?.type === 'job.completed' ? publish.result : null).toMatchObject({ version: live, base });
    expect(live).not.toBe(base);
    const manifest = (await readSegmentedVersion(store, live))!;
    expect(manifest.base.version).toBe(base);
    expect(manifest.deltas).toHaveLength(1);
    expect(manifest.documents).toBe(initial.length + 1);
    expect((await liveDocuments()).get('seg-late')).toContain('thirty days');
  });

  it('cleanup keeps every base and delta a kept version references, and deletes segmented versions, deltas and bases no kept version names', async () => {
    await start({ mergeDeltas: 50 });
    await sync();
    const base = (await repository.latestVersion())!;
    const initial = await rows();
    const versions: string[] = [];
    for (let round = 0; round < 3; round++) {
      await writeRows([...initial, { id: 'seg-b', title: 'Escrow shortage', text: `Round ${round}: an escrow shortage is spread over twelve monthly mortgage payments.` }]);
      versions.push((await sync()).version!);
    }
    const cleanup = async (keep: number) => {
      const jobId = await system.enqueueCleanup(keep);
      await system.whenIdle();
      const completed = events.find((event) => event.type === 'job.completed' && event.jobId === jobId);
      return (completed?.type === 'job.completed' ? completed.result : null) as CleanupResult;
    };
    const deltasOf = async (version: string) => (await readSegmentedVersion(store, version))!.deltas;
    const liveDeltas = await deltasOf(versions[2]!);
    expect(liveDeltas).toHaveLength(3);

    const first = await cleanup(0);
    expect(first.live).toBe(versions[2]);
    expect(first.deletedVersions.sort()).toEqual([versions[0]!, versions[1]!].sort());
    // The live chain's base and its three deltas stay (the older versions only named a prefix of them).
    expect(first.deletedDeltas).toEqual([]);
    expect(await repository.listVersions()).toEqual([base]);
    expect(await liveDocuments()).toSatisfy((live: Map<string, string>) => live.get('seg-b')?.startsWith('Round 2') === true);

    // A full build makes a new base live; keeping one other version keeps the segmented one with its base and deltas.
    await sync(true);
    const rebuilt = (await repository.latestVersion())!;
    expect(rebuilt).not.toBe(base);
    const second = await cleanup(1);
    expect(second.keptVersions.sort()).toEqual([rebuilt, versions[2]!].sort());
    expect((await repository.listVersions()).sort()).toEqual([base, rebuilt].sort());
    expect(second.deletedDeltas).toEqual([]);

    const third = await cleanup(0);
    expect(third.deletedVersions.sort()).toEqual([base, versions[2]!].sort());
    expect(third.deletedDeltas!.sort()).toEqual([...liveDeltas].sort());
    expect(await store.list('segments/deltas/')).toEqual([]);
    expect(await store.list('segments/versions/')).toEqual([]);
    expect(await repository.listVersions()).toEqual([rebuilt]);
  });
});
