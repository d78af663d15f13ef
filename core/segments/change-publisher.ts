import { AppError } from '../../shared/errors/app-error.ts';
import { createSerialQueue } from '../concurrency/serial-queue.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import { LEXICAL_EMBEDDER_ID } from '../embedding/lexical-embedder.ts';
import { lexicalEmbedderFromManifest } from '../embedding/lexical-embedder-state.ts';
import type { SourceSnapshot } from '../ports/document-source.ts';
import type { Embedder } from '../ports/embedder.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { buildDelta, type BuiltDelta, type ChangeSet } from './build-delta.ts';
import { applyChangeSet, changeSetBetween, changeSize, liveDocumentsOf, type LiveDocuments } from './change-set.ts';
import type { SegmentChain } from './segment-chain.ts';
import { createSegmentLoader, type LoadedChain } from './segment-loader.ts';
import { saveDelta } from './segment-store.ts';

/** When a sync publishes a delta instead of a full build, and when a chain is merged into a new base. */
export interface SegmentPolicy {
  /** A change of at most this share of the base's documents becomes a delta (default 0.05). */
  maxChangeFraction: number;
  /** Merge once the chain has this many deltas (default 8). */
  mergeDeltas: number;
  /** Merge once its tombstones exceed this share of the base's documents (default 0.05). */
  mergeTombstoneFraction: number;
}

export const DEFAULT_SEGMENT_POLICY: SegmentPolicy = { maxChangeFraction: 0.05, mergeDeltas: 8, mergeTombstoneFraction: 0.05 };

/** What publishing a snapshot as a change did. */
export type ChangeOutcome =
  /** A delta was stored and made live. */
  | { kind: 'delta'; version: string; previous: string; base: string; delta: string; upserts: number; deletes: number; documents: number; needsMerge: boolean }
  /** The version already serves exactly these documents; made live if it was not. */
  | { kind: 'unchanged'; version: string }
  /** Not done as a delta (too large, another embedder): the caller runs a full build. */
  | { kind: 'full'; reason: string };

/** The outcome of a delta stored and made live on top of `previous`. */
function deltaOutcome(built: BuiltDelta, changes: ChangeSet, where: { previous: string; base: string; needsMerge: boolean }): ChangeOutcome {
  return {
    kind: 'delta',
    version: built.version.version,
    previous: where.previous,
    base: where.base,
    delta: built.manifest.id,
    upserts: changes.upserts.length,
    deletes: changes.deletes.length - built.unknownDeletes.length,
    documents: built.version.documents,
    needsMerge: where.needsMerge,
  };
}

export interface PublishChangeInput {
  snapshot: SourceSnapshot;
  /** The job system's build embedders: the id new versions are built with, and a model restored by id and hash (refused when it differs). */
  embedders: { buildEmbedderId: string; restore(descriptor: { id: string; modelHash: string }): Promise<Embedder> };
  /** The live version now (read again before the pointer moves: a version published meanwhile means building again on it). */
  latest: () => Promise<string | null>;
  /** Moves the live pointer and announces the version (the publish step). */
  makeLive: (version: string, previous: string | null) => Promise<void>;
}

export interface ChangePublisher {
  /**
   * Brings the live version to `snapshot` with a delta when the change is small (policy) and
   * the embedder is the base's: loads the live chain (segments held from the last change are
   * reused), embeds only the added and updated documents, stores the delta and its segmented
   * version, then makes it live. One change at a time in this process.
   */
  publishChange(input: PublishChangeInput): Promise<ChangeOutcome>;
  /**
   * After a full build of base `base`: the documents published since that build read its source
   * are applied on top of it as a delta (whatever its size), so making the new base live never
   * hides a change; `unchanged` when the base already holds the snapshot.
   */
  publishOnBase(base: string, input: Omit<PublishChangeInput, 'latest'>): Promise<ChangeOutcome>;
  close(): void;
}

export interface ChangePublisherOptions {
  store: ObjectStore;
  /** Loads bases; nothing here searches vectors, so a repository that defers them is best. */
  repository: Pick<IndexRepository, 'load'>;
  policy?: SegmentPolicy;
  now?: () => Date;
}

/** Attempts at building on a live version that moved while the delta was built. */
const ATTEMPTS = 3;

export function createChangePublisher(options: ChangePublisherOptions): ChangePublisher {
  const policy = options.policy ?? DEFAULT_SEGMENT_POLICY;
  const loader = createSegmentLoader({ store: options.store, repository: options.repository });
  const queue = createSerialQueue();
  // The chain of the last change, kept open so the next one reuses its base instead of loading it again.
  let held: LoadedChain | null = null;
  // The live documents of one version (the last one this publisher compared or published).
  let known: { version: string; live: LiveDocuments } | null = null;
  const liveOf = (chain: SegmentChain): LiveDocuments => {
    if (known?.version !== chain.version) known = { version: chain.version, live: liveDocumentsOf(chain) };
    return known.live;
  };
  const published = (live: LiveDocuments, changes: ChangeSet, version: string) => {
    applyChangeSet(live, changes);
    known = { version, live };
  };

  const chainOf = async (version: string): Promise<SegmentChain> => {
    if (held?.chain.version === version) return held.chain;
    const loaded = await loader.load(version);
    held?.close();
    held = loaded;
    return loaded.chain;
  };

  const embedderOf = async (chain: SegmentChain, embedders: PublishChangeInput['embedders']): Promise<Embedder | string> => {
    const { embedder } = chain.base.loaded.manifest;
    if (embedders.buildEmbedderId !== embedder.id) return `the base was embedded with ${embedder.id}, new versions are built with ${embedders.buildEmbedderId}`;
    try {
      // The lexical embedder's IDF table is the base's own (stored with it); a model is the configured one, checked against the base's hash.
      if (embedder.id === LEXICAL_EMBEDDER_ID) return lexicalEmbedderFromManifest(chain.base.loaded.manifest);
      return await embedders.restore({ id: embedder.id, modelHash: embedder.modelHash });
    } catch (error) {
      if (error instanceof AppError && error.code === 'index-mismatch') return error.detail ?? 'embedder mismatch';
      throw error;
    }
  };

  /** Builds and stores the delta from `chain` to the snapshot (nothing made live). */
  const buildOn = async (chain: SegmentChain, changes: ChangeSet, embedder: Embedder, snapshot: SourceSnapshot) => {
    const built = await buildDelta({ chain, changes, embedder, ...(options.now ? { now: options.now } : {}) });
    built.version = { ...built.version, source: { name: snapshot.name, snapshot: snapshot.snapshot } };
    await saveDelta(options.store, built);
    const tombstones = chain.tombstoned.reduce((sum, hidden) => sum + hidden.size, 0) + built.manifest.tombstones;
    const baseCount = chain.base.documents.length;
    const needsMerge = chain.deltas.length + 1 >= policy.mergeDeltas || tombstones > policy.mergeTombstoneFraction * baseCount;
    return { built, needsMerge };
  };

  return {
    publishChange(input) {
      return queue.run(async (): Promise<ChangeOutcome> => {
        for (let attempt = 1; ; attempt++) {
          const live = await input.latest();
          if (live === null) return { kind: 'full', reason: 'no live version' };
          const chain = await chainOf(live);
          const documents = liveOf(chain);
          const changes = changeSetBetween(documents, input.snapshot.documents);
          const size = changeSize(changes);
          if (size === 0) return { kind: 'unchanged', version: live };
          const limit = policy.maxChangeFraction * chain.base.documents.length;
          if (size > limit) return { kind: 'full', reason: `${size} documents changed, more than ${Math.floor(limit)} (${policy.maxChangeFraction} of the base)` };
          const embedder = await embedderOf(chain, input.embedders);
          if (typeof embedder === 'string') return { kind: 'full', reason: embedder };
          const { built, needsMerge } = await buildOn(chain, changes, embedder, input.snapshot);
          // Another publisher moved the pointer while this delta was built: build again on what is live now.
          if ((await input.latest()) !== live && attempt < ATTEMPTS) continue;
          await input.makeLive(built.version.version, live);
          published(documents, changes, built.version.version);
          return deltaOutcome(built, changes, { previous: live, base: chain.base.id, needsMerge });
        }
      });
    },
    publishOnBase(base, input) {
      return queue.run(async (): Promise<ChangeOutcome> => {
        const chain = await chainOf(base);
        const documents = liveOf(chain);
        const changes = changeSetBetween(documents, input.snapshot.documents);
        if (changeSize(changes) === 0) {
          await input.makeLive(base, null);
          return { kind: 'unchanged', version: base };
        }
        const embedder = await embedderOf(chain, input.embedders);
        if (typeof embedder === 'string') throw new AppError('index-mismatch', { detail: `cannot apply later changes to base ${base}: ${embedder}` });
        const { built, needsMerge } = await buildOn(chain, changes, embedder, input.snapshot);
        await input.makeLive(built.version.version, null);
        published(documents, changes, built.version.version);
        return deltaOutcome(built, changes, { previous: base, base, needsMerge });
      });
    },
    close() {
      held?.close();
      held = null;
      known = null;
    },
  };
}
