import { AppError } from '../../../shared/errors/app-error.ts';
import { documentEmbeddingText } from '../../embedding/document-text.ts';
import { sha256Hex } from '../../indexing/sha256.ts';
import type { KnowledgeDocument } from '../../ports/document.ts';
import type { FlowSpec } from '../../ports/job-spec.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { describeEmbedder } from '../build-embedders.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import { jobIds } from '../job-ids.ts';
import { retryPolicy } from '../retry-policy.ts';
import type { EmbedderDescriptor, VectorReuse } from '../run-store.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';
import { makeVersionLive, type PublishResult } from './publish.ts';
import type { ChangeOutcome, ChangePublisher } from '../../segments/change-publisher.ts';
import type { SourceSnapshot } from '../../ports/document-source.ts';

export interface IngestResult {
  source: string;
  /** True when the source was unchanged since the live version and no run was started. */
  skipped: boolean;
  run?: string;
  version?: string;
  documents: number;
  rejected: number;
  batches?: number;
  /** Documents whose vectors are reused from the previous run (same text, same embedder). */
  reused?: number;
  toEmbed?: number;
  /** Segments on: the change was published as a delta (no run); the version it made live. */
  published?: PublishResult;
  delta?: { id: string; upserts: number; deletes: number; merge: boolean };
}

/**
 * Reads a source; unless it is unchanged since the live version (same snapshot and embedder),
 * starts a run: batch inputs in the object store, each document's content hash looked up in the
 * previous run so unchanged texts reuse their vectors, then one flow publish ← build-index ←
 * embed-batch × n. Run and job ids derive from the snapshot and embedder, so a retried ingest
 * adds the same flow again, which is a no-op.
 */
export function createIngestProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'ingest'>): Promise<IngestResult> => {
    const { source: sourceName, force, reembed } = JobPayloadSchemas.ingest.parse(context.data);
    const source = deps.sources(sourceName);
    if (!source) throw new AppError('not-found', { detail: `unknown document source "${sourceName}"` });
    const snapshot = await source.read();
    await context.progress({ stage: 'read', documents: snapshot.documents.length, rejected: snapshot.rejected.length });
    for (const row of snapshot.rejected.slice(0, 20)) deps.logger.warn({ source: sourceName, row: row.row, reason: row.reason }, 'rejected source row');

    const latest = await deps.repository.latestVersion();
    if (latest !== null && force !== true && reembed !== true) {
      const manifest = (await deps.repository.listManifests()).find((candidate) => candidate.version === latest);
      if (manifest && manifest.source.name === snapshot.name && manifest.source.snapshot === snapshot.snapshot && manifest.embedder.id === deps.embedders.buildEmbedderId) {
        return { source: sourceName, skipped: true, version: latest, documents: manifest.count, rejected: snapshot.rejected.length };
      }
    }
    if (snapshot.documents.length === 0) {
      throw new AppError('validation-failed', { detail: `source ${snapshot.name} has no valid documents (${snapshot.rejected.length} rejected)` });
    }
    if (deps.segments && latest !== null && force !== true && reembed !== true) {
      const change = await publishAsChange(deps, deps.segments, sourceName, snapshot, context);
      if (change !== null) return change;
    }

    const hashes = snapshot.documents.map((document) => sha256Hex(documentEmbeddingText(document)));
    // A re-embed ignores the stored vectors (and, for the lexical embedder, refits its IDF table).
    const previous = reembed === true ? null : await previousVectors(deps);
    const changed = previous ? hashes.filter((hash) => !previous.locations.has(hash)).length : hashes.length;
    const embedder = await deps.embedders.forRun({
      documents: snapshot.documents,
      previous: previous?.embedder ?? null,
      changedFraction: changed / hashes.length,
    });
    const descriptor = describeEmbedder(embedder);
    const canReuse = previous !== null && previous.embedder.id === descriptor.id && previous.embedder.modelHash === descriptor.modelHash;
    const run = sha256Hex(
      snapshot.name, '\n', snapshot.snapshot, '\n', descriptor.id, '\n', descriptor.modelHash, '\n', String(deps.batchSize),
      // A forced rebuild of an unchanged source is a new run (it still reuses every vector).
      force === true ? `\nforced:${context.id}` : '',
      reembed === true ? `\nreembed:${context.id}` : '',
      // Going back to a content state an earlier run built (an upload deleted) is a new run while
      // another version is live: the earlier run's flow ids are taken, so it would never publish again.
      `\nlive:${latest ?? ''}`,
    ).slice(0, 16);

    const batches = Math.ceil(snapshot.documents.length / deps.batchSize);
    let reused = 0;
    await deps.runs.writeRun({
      run,
      source: { name: snapshot.name, snapshot: snapshot.snapshot },
      embedder: { id: descriptor.id, modelHash: descriptor.modelHash },
      dimension: embedder.dimension,
      documents: snapshot.documents.length,
      batchSize: deps.batchSize,
      batches,
      reused: canReuse ? snapshot.documents.length - changed : 0,
      created: deps.now().toISOString(),
    });
    await deps.runs.writeEmbedder(run, descriptor);
    const batchHashes: string[][] = [];
    for (let batch = 0; batch < batches; batch++) {
      const start = batch * deps.batchSize;
      const documents: KnowledgeDocument[] = snapshot.documents.slice(start, start + deps.batchSize);
      const slice = hashes.slice(start, start + deps.batchSize);
      const reuse: (VectorReuse | null)[] = slice.map((hash) => (canReuse ? (previous.locations.get(hash) ?? null) : null));
      reused += reuse.filter((entry) => entry !== null).length;
      batchHashes.push(slice);
      await deps.runs.writeBatchInput(run, batch, { documents, hashes: slice, reuse });
    }
    await deps.runs.writeHashes(run, batchHashes);

    await context.addFlow(indexingFlow(run, batches, deps));
    await context.progress({ stage: 'queued', run, batches, reused, toEmbed: snapshot.documents.length - reused });
    return {
      source: sourceName,
      skipped: false,
      run,
      documents: snapshot.documents.length,
      rejected: snapshot.rejected.length,
      batches,
      reused,
      toEmbed: snapshot.documents.length - reused,
    };
  };
}

/** publish ← build-index ← embed-batch × n, with idempotent ids derived from the run. */
export function indexingFlow(run: string, batches: number, deps: Pick<ProcessorDependencies, 'attempts' | 'backoffMs'>): FlowSpec {
  const retry = retryPolicy(deps);
  return {
    id: jobIds.publish(run),
    name: 'publish',
    data: { run },
    ...retry,
    children: [
      {
        id: jobIds.buildIndex(run),
        name: 'build-index',
        data: { run },
        ...retry,
        children: Array.from({ length: batches }, (_, batch) => ({
          id: jobIds.embedBatch(run, batch),
          name: 'embed-batch' as const,
          data: { run, batch },
          ...retry,
        })),
      },
    ],
  };
}

/** The content-hash → vector location map of the run named by the cache pointer. */
async function previousVectors(deps: ProcessorDependencies): Promise<{ embedder: EmbedderDescriptor; locations: Map<string, VectorReuse> } | null> {
  const pointer = await deps.runs.readCachePointer();
  if (!pointer) return null;
  const [hashes, embedder] = await Promise.all([deps.runs.readHashes(pointer.run), deps.runs.requireEmbedder(pointer.run).catch(() => null)]);
  if (!hashes || !embedder) return null;
  const locations = new Map<string, VectorReuse>();
  hashes.forEach((batch, batchIndex) => batch.forEach((hash, row) => locations.set(hash, { run: pointer.run, batch: batchIndex, row })));
  return { embedder, locations };
}

/**
 * Segments on: publishes the snapshot as a delta on the live version when the change is small
 * (docs/segments.md), and queues a merge (a forced full build, whose publish applies later
 * changes on the new base) once the chain is long enough. Null when it must be a full build.
 */
async function publishAsChange(
  deps: ProcessorDependencies,
  segments: ChangePublisher,
  sourceName: string,
  snapshot: SourceSnapshot,
  context: ProcessorContext<'ingest'>,
): Promise<IngestResult | null> {
  let published: PublishResult | undefined;
  let outcome: ChangeOutcome;
  try {
    outcome = await segments.publishChange({
      snapshot,
      embedders: deps.embedders,
      latest: () => deps.repository.latestVersion(),
      makeLive: async (version, previous) => {
        published = await makeVersionLive(deps, version, previous);
      },
    });
  } catch (error) {
    // A live chain that cannot be loaded (a file refused, a delta missing) must not block syncs: a full build replaces it.
    if (published !== undefined) throw error;
    deps.logger.warn({ err: error, source: sourceName }, 'could not publish the change as a delta; building a full version');
    return null;
  }
  const base = { source: sourceName, documents: snapshot.documents.length, rejected: snapshot.rejected.length };
  if (outcome.kind === 'unchanged') return { ...base, skipped: true, version: outcome.version };
  if (outcome.kind === 'full') {
    deps.logger.info({ source: sourceName, reason: outcome.reason }, 'change published by a full build');
    return null;
  }
  if (outcome.needsMerge) {
    // One merge per base: later deltas on the same base while it runs add the same job id (a no-op).
    const retry = retryPolicy(deps);
    await context.addFlow({ id: jobIds.merge(outcome.base), name: 'ingest', data: { source: sourceName, force: true }, ...retry });
  }
  await context.progress({ stage: 'published', version: outcome.version, delta: outcome.delta });
  return {
    ...base,
    skipped: false,
    version: outcome.version,
    ...(published ? { published } : {}),
    delta: { id: outcome.delta, upserts: outcome.upserts, deletes: outcome.deletes, merge: outcome.needsMerge },
  };
}
