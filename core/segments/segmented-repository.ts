import { AppError } from '../../shared/errors/app-error.ts';
import type { IndexRepository } from '../indexing/index-repository.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SegmentedVersion } from './segment-manifest.ts';
import { readSegmentedLatest, readSegmentedVersion, setSegmentedLatest } from './segment-store.ts';

/** The repository with segments on; `segmentedVersion` reads a segmented version's manifest (null for a base). */
export interface SegmentedIndexRepository extends IndexRepository {
  segmentedVersion(version: string): Promise<SegmentedVersion | null>;
}

/**
 * The IndexRepository seen with segments on (INDEX_SEGMENTS=on): the live pointer is
 * `segments/latest`, which may name a base (an ordinary version) or a segmented version; until
 * it is first set, `indexes/latest` is the live version. Setting a base moves both pointers (so
 * `indexes/latest` always names the last base made live); setting a segmented version moves
 * only `segments/latest`. Everything else (save, load, list of bases) is the repository's: a
 * segmented version is loaded through the segment loader, never through `load`.
 */
export function segmentedIndexRepository(repository: IndexRepository, store: ObjectStore): SegmentedIndexRepository {
  const latestVersion = async () => (await readSegmentedLatest(store)) ?? (await repository.latestVersion());
  return {
    ...repository,
    latestVersion,
    segmentedVersion: (version) => readSegmentedVersion(store, version),
    async loadLatest() {
      const version = await latestVersion();
      return version === null ? null : repository.load(version);
    },
    async setLatest(version) {
      // A base is checked to exist by the repository; a segmented version by its manifest (read and parsed).
      if ((await readSegmentedVersion(store, version)) === null) await repository.setLatest(version);
      await setSegmentedLatest(store, version);
    },
    async save(built, options = {}) {
      const manifest = await repository.save(built, options);
      if (options.setLatest !== false) await setSegmentedLatest(store, manifest.version);
      return manifest;
    },
    async deleteVersion(version) {
      const live = await latestVersion();
      if (live === version) throw new AppError('live-index-version', { detail: `index version ${version} is live; activate another version first` });
      const liveManifest = live === null ? null : await readSegmentedVersion(store, live);
      if (liveManifest?.base.version === version) {
        throw new AppError('live-index-version', { detail: `index version ${version} is the base of the live version ${live}; activate another version first` });
      }
      return repository.deleteVersion(version);
    },
  };
}
