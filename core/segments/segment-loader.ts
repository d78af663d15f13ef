import { AppError } from '../../shared/errors/app-error.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { VectorIndex } from '../ports/vector-index.ts';
import { baseSegment, type BaseSegment, type DeltaSegment, type Segment } from './segment.ts';
import { SegmentChain } from './segment-chain.ts';
import type { SegmentedVersion } from './segment-manifest.ts';
import { readDelta, readSegmentedVersion } from './segment-store.ts';

/** A loaded version (a base alone, or a base and deltas). Close it when it no longer serves. */
export interface LoadedChain {
  chain: SegmentChain;
  /** The segmented version's manifest; null for an ordinary version (a base alone). */
  manifest: SegmentedVersion | null;
  /** Releases its segments; each is closed once no loaded version holds it. Idempotent. */
  close(): void;
}

export interface SegmentLoader {
  /**
   * Loads any version: a segmented version's base and deltas, or an ordinary version as a chain of
   * its base alone (so rolling back to a version before a delta is loading it). Segments another
   * open version holds are reused, not downloaded again: after a delta is published an instance
   * that serves its parent downloads only the delta. A failure (missing, malformed or tampered
   * file: AppError naming it) releases what this load took and changes nothing else.
   */
  load(version: string): Promise<LoadedChain>;
  /** Ids of the segments held now (base versions and delta ids). */
  held(): string[];
}

export interface SegmentLoaderOptions {
  store: ObjectStore;
  /** Loads and verifies bases (ordinary versions). */
  repository: Pick<IndexRepository, 'load'>;
  /** Turns a delta's verified index.faiss into a searchable index (default: in-thread FAISS). */
  loadDeltaVectors?: (bytes: Uint8Array) => VectorIndex | Promise<VectorIndex>;
}

interface Held {
  segment: Promise<Segment>;
  references: number;
}

/** Creates a loader with a reference-counted cache of loaded segments. */
export function createSegmentLoader(options: SegmentLoaderOptions): SegmentLoader {
  const { store, repository } = options;
  const held = new Map<string, Held>();

  function acquire<T extends Segment>(id: string, read: () => Promise<T>): Promise<T> {
    let entry = held.get(id);
    if (entry === undefined) {
      const segment = read();
      const created: Held = { segment, references: 0 };
      entry = created;
      held.set(id, created);
      // A failed read is not kept: the next load tries again.
      segment.catch(() => {
        if (held.get(id) === created) held.delete(id);
      });
    }
    entry.references++;
    return entry.segment as Promise<T>;
  }

  function release(id: string): void {
    const entry = held.get(id);
    if (entry === undefined) return;
    entry.references--;
    if (entry.references > 0) return;
    held.delete(id);
    void entry.segment.then((segment) => segment.index?.close(), () => {});
  }

  return {
    async load(version) {
      const manifest = await readSegmentedVersion(store, version);
      const baseVersion = manifest?.base.version ?? version;
      const deltaIds = manifest?.deltas ?? [];
      const taken = [baseVersion, ...deltaIds];
      const basePromise = acquire<BaseSegment>(baseVersion, async () => baseSegment(await repository.load(baseVersion)));
      const deltaPromises = deltaIds.map((id) => acquire<DeltaSegment>(id, () => readDelta(store, id, { loadVectors: options.loadDeltaVectors })));
      let chain: SegmentChain;
      try {
        const [base, ...deltas] = await Promise.all([basePromise, ...deltaPromises]);
        if (manifest !== null) checkBase(base as BaseSegment, manifest);
        chain = SegmentChain.assemble(base as BaseSegment, deltas as DeltaSegment[]);
      } catch (error) {
        // Every acquisition settles before its reference is dropped, so nothing is closed under a later load.
        await Promise.allSettled([basePromise, ...deltaPromises]);
        for (const id of taken) release(id);
        throw error;
      }
      let open = true;
      return {
        chain,
        manifest,
        close() {
          if (!open) return;
          open = false;
          for (const id of taken) release(id);
        },
      };
    },
    held: () => [...held.keys()],
  };
}

/** The base a segmented version references must be the stored one, file for file. */
function checkBase(base: BaseSegment, manifest: SegmentedVersion): void {
  const stored = base.loaded.manifest.checksums;
  const expected = manifest.base.checksums;
  if (stored.index !== expected.index || stored.documents !== expected.documents || stored.bm25 !== expected.bm25 || stored.embedder !== expected.embedder) {
    throw new AppError('index-corrupt', { detail: `segments/versions/${manifest.version}.json references base ${manifest.base.version} with other checksums than the stored one` });
  }
}
