import type { IndexManifest } from '../indexing/index-manifest.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SegmentedVersion } from './segment-manifest.ts';
import { deleteDelta, deleteSegmentedVersion, listDeltas, listSegmentedVersionIds, readSegmentedVersion } from './segment-store.ts';

/** What a cleanup keeps and deletes, bases and segmented versions together. */
export interface SegmentCleanupPlan {
  /** The live version and the `keep` most recent others (bases or segmented versions). */
  keptVersions: Set<string>;
  /** Bases to keep: kept bases and the base of every kept segmented version. */
  keptBases: Set<string>;
  deletedSegmentedVersions: string[];
  /** Deltas no kept segmented version names (and older than the grace period: a delta being published is not named yet). */
  deletedDeltas: string[];
}

/**
 * Decides what a cleanup keeps. Without a store (segments off) only bases count, as before.
 * Versions are ranked by creation time; every base and delta a kept version references is kept,
 * so each kept version can still be activated (rolled back to).
 */
export async function keptSegments(
  store: ObjectStore | null,
  options: { live: string | null; keep: number; bases: readonly IndexManifest[]; graceMs: number; now: Date },
): Promise<SegmentCleanupPlan> {
  const segmented: SegmentedVersion[] = [];
  if (store) {
    for (const version of await listSegmentedVersionIds(store)) {
      const manifest = await readSegmentedVersion(store, version);
      if (manifest) segmented.push(manifest);
    }
  }
  const all = [...options.bases.map(({ version, created }) => ({ version, created })), ...segmented.map(({ version, created }) => ({ version, created }))];
  const newestFirst = all.filter(({ version }) => version !== options.live).sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  const keptVersions = new Set([...(options.live ? [options.live] : []), ...newestFirst.slice(0, options.keep).map(({ version }) => version)]);
  const keptSegmented = segmented.filter(({ version }) => keptVersions.has(version));
  const keptBases = new Set([...options.bases.map(({ version }) => version).filter((version) => keptVersions.has(version)), ...keptSegmented.map(({ base }) => base.version)]);
  const deletedSegmentedVersions = segmented.map(({ version }) => version).filter((version) => !keptVersions.has(version));
  let deletedDeltas: string[] = [];
  if (store) {
    const referenced = new Set(keptSegmented.flatMap(({ deltas }) => deltas));
    const now = options.now.getTime();
    deletedDeltas = (await listDeltas(store))
      .filter(({ id, created }) => !referenced.has(id) && created !== null && now - Date.parse(created) >= options.graceMs)
      .map(({ id }) => id);
  }
  return { keptVersions, keptBases, deletedSegmentedVersions, deletedDeltas };
}

/** Deletes the segmented versions and deltas a plan drops (manifests first, so nothing kept names a deleted delta). Returns the objects deleted. */
export async function removeSegments(store: ObjectStore, plan: SegmentCleanupPlan): Promise<number> {
  let deleted = 0;
  for (const version of plan.deletedSegmentedVersions) deleted += await deleteSegmentedVersion(store, version);
  for (const id of plan.deletedDeltas) deleted += await deleteDelta(store, id);
  return deleted;
}
