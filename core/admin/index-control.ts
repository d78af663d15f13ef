import { AppError } from '../../shared/errors/app-error.ts';
import { createSerialQueue } from '../concurrency/serial-queue.ts';
import type { FeedEvent } from '../feed/feed-event.ts';
import type { IndexManifest } from '../indexing/index-manifest.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import { readIndexStats, type IndexStats } from '../jobs/index-stats.ts';
import type { SwapAnnouncer } from '../jobs/swap-announcer.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SegmentedVersion } from '../segments/segment-manifest.ts';
import { deleteSegmentedVersion, listSegmentedVersionIds, readSegmentedVersion } from '../segments/segment-store.ts';

export interface IndexControlOptions {
  repository: IndexRepository;
  /** The job system's announcer: the Redis swap channel, or the in-process callback. */
  announcer: SwapAnnouncer;
  /**
   * This process's activation (load, verify, warm, swap): the composition root's serialised
   * `activate`. Absent where nothing is served (worker mode).
   */
  activate?: ((version: string) => Promise<void>) | undefined;
  /** The version this process answers from, or null. */
  servingVersion: () => string | null;
  /** Appends to the admin live feed. */
  publish: (event: FeedEvent) => Promise<unknown>;
  onPublishError?: (error: unknown) => void;
  /** Segments on (INDEX_SEGMENTS=on): segmented versions are listed, activated and deleted too (docs/segments.md). */
  segments?: { store: ObjectStore } | undefined;
  now?: () => Date;
}

export interface IndexVersionView {
  version: string;
  live: boolean;
  serving: boolean;
  /** 'base': an ordinary version; 'segmented': a base and delta segments (segments on). */
  kind: 'base' | 'segmented';
  /** The manifest without the embedder's fitted state (an IDF table can be megabytes), or a segmented version's manifest. */
  manifest: (Omit<IndexManifest, 'embedder'> & { embedder: Omit<IndexManifest['embedder'], 'state'> }) | SegmentedVersion;
}

export interface IndexActivation {
  version: string;
  previous: string | null;
  receivers: number;
}

/** What the admin API does with index versions: list, activate (swap or roll back), delete, stats. */
export interface IndexControl {
  versions(): Promise<{ live: string | null; serving: string | null; versions: IndexVersionView[] }>;
  /**
   * Makes a stored version live: moves `indexes/latest`, swaps it in here (the pointer goes back
   * if this process cannot load it), announces it to the other instances and to the live feed
   * (`index.swapped`). AppError 'not-found' for a version that is not stored.
   */
  activate(version: string): Promise<IndexActivation>;
  /** Deletes a stored version; AppError 'live-index-version' for the live or served one, 'not-found' for an unknown one. */
  deleteVersion(version: string): Promise<{ version: string; deletedObjects: number }>;
  stats(): Promise<IndexStats>;
  servingVersion(): string | null;
}

export function createIndexControl(options: IndexControlOptions): IndexControl {
  const { repository } = options;
  const now = options.now ?? (() => new Date());
  const store = options.segments?.store;
  const view = (manifest: IndexManifest, live: string | null, serving: string | null): IndexVersionView => {
    const { state: _state, ...embedder } = manifest.embedder;
    return { version: manifest.version, live: manifest.version === live, serving: manifest.version === serving, kind: 'base', manifest: { ...manifest, embedder } };
  };
  const segmentedViews = async (live: string | null, serving: string | null): Promise<IndexVersionView[]> => {
    if (!store) return [];
    const manifests = await Promise.all((await listSegmentedVersionIds(store)).map((version) => readSegmentedVersion(store, version)));
    return manifests
      .filter((manifest): manifest is SegmentedVersion => manifest !== null)
      .map((manifest) => ({ version: manifest.version, live: manifest.version === live, serving: manifest.version === serving, kind: 'segmented' as const, manifest }));
  };
  /** Whether `version` is a stored segmented version (false: it may be a base); a malformed manifest is refused naming its file. */
  const isSegmented = async (version: string): Promise<boolean> => store !== undefined && (await readSegmentedVersion(store, version)) !== null;
  const requireStored = async (version: string): Promise<void> => {
    const stored = await repository.listVersions();
    if (!stored.includes(version) && !(await isSegmented(version))) throw new AppError('not-found', { detail: `index version ${version} is not stored` });
  };
  // One activation at a time from the admin API, so two concurrent calls cannot interleave pointer moves.
  const activations = createSerialQueue();

  return {
    async versions() {
      const [live, manifests] = await Promise.all([repository.latestVersion(), repository.listManifests()]);
      const serving = options.servingVersion();
      const bases = manifests.map((manifest) => view(manifest, live, serving)).reverse();
      const segmented = await segmentedViews(live, serving);
      if (segmented.length === 0) return { live, serving, versions: bases };
      const versions = [...bases, ...segmented].sort((a, b) => b.manifest.created.localeCompare(a.manifest.created) || a.version.localeCompare(b.version));
      return { live, serving, versions };
    },
    activate(version) {
      return activations.run(async (): Promise<IndexActivation> => {
        await requireStored(version);
        const latest = await repository.latestVersion();
        const previous = latest === version ? null : latest;
        await repository.setLatest(version);
        if (options.activate) {
          try {
            await options.activate(version);
          } catch (error) {
            // Keep serving and pointing at what worked; the caller gets the reason (mismatch, corrupt files).
            if (latest !== null && latest !== version) await repository.setLatest(latest);
            throw error;
          }
        }
        const at = now().toISOString();
        const receivers = await options.announcer.announce({ version, previous, at });
        await options.publish({ type: 'index.swapped', version, previous, receivers, at }).catch((error: unknown) => options.onPublishError?.(error));
        return { version, previous, receivers };
      });
    },
    async deleteVersion(version) {
      await requireStored(version);
      if (options.servingVersion() === version) {
        throw new AppError('live-index-version', { detail: `index version ${version} is being served; activate another version first` });
      }
      if (store && (await isSegmented(version))) {
        if ((await repository.latestVersion()) === version) throw new AppError('live-index-version', { detail: `index version ${version} is live; activate another version first` });
        // Only the manifest: its deltas may belong to other versions too (cleanup removes those no kept version names).
        return { version, deletedObjects: await deleteSegmentedVersion(store, version) };
      }
      return { version, deletedObjects: await repository.deleteVersion(version) };
    },
    stats: () => readIndexStats(repository),
    servingVersion: () => options.servingVersion(),
  };
}
