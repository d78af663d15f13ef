import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';
import { keptSegments, removeSegments } from '../../segments/segment-cleanup.ts';

export interface CleanupResult {
  live: string | null;
  keptVersions: string[];
  deletedVersions: string[];
  deletedRuns: string[];
  deletedObjects: number;
  /** Segments on: delta segments deleted (no kept version names them). */
  deletedDeltas?: string[];
}

/**
 * Keeps the live version and the `keep` most recent others (rollback targets); deletes older
 * versions, and the batches of runs that built none of the kept versions. The run holding the
 * vector cache and runs still in progress (no result yet, younger than the grace period) stay.
 * Segments on: segmented versions count as versions too, every base and delta a kept version
 * references is kept, and deltas no kept version names are deleted (docs/segments.md).
 */
export function createCleanupProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'cleanup'>): Promise<CleanupResult> => {
    const keep = JobPayloadSchemas.cleanup.parse(context.data).keep ?? deps.keepVersions;
    const live = await deps.repository.latestVersion();
    const manifests = await deps.repository.listManifests();
    const plan = await keptSegments(deps.segments ? deps.store : null, { live, keep, bases: manifests, graceMs: deps.runGraceMs, now: deps.now() });
    const kept = plan.keptVersions;
    const deletedVersions = manifests.map((manifest) => manifest.version).filter((version) => !plan.keptBases.has(version));

    let deletedObjects = 0;
    for (const version of deletedVersions) {
      const keys = await deps.store.list(`indexes/${version}/`);
      for (const key of keys) await deps.store.delete(key);
      deletedObjects += keys.length;
    }
    deletedObjects += await removeSegments(deps.store, plan);

    const cacheRun = (await deps.runs.readCachePointer())?.run;
    const deletedRuns: string[] = [];
    const now = deps.now().getTime();
    for (const run of await deps.runs.listRuns()) {
      if (run === cacheRun || run === 'cache.json') continue;
      const result = await deps.runs.readResult(run);
      if (result) {
        if (plan.keptBases.has(result.version)) continue;
      } else {
        const descriptor = await deps.runs.readRun(run);
        if (descriptor && now - Date.parse(descriptor.created) < deps.runGraceMs) continue;
      }
      deletedObjects += await deps.runs.deleteRun(run);
      deletedRuns.push(run);
    }
    const allDeleted = [...deletedVersions, ...plan.deletedSegmentedVersions];
    await context.progress({ deletedVersions: allDeleted.length, deletedRuns: deletedRuns.length });
    deps.logger.info({ live, kept: kept.size, deletedVersions: allDeleted.length, deletedDeltas: plan.deletedDeltas.length, deletedRuns: deletedRuns.length }, 'cleaned up index versions and batches');
    return {
      live,
      keptVersions: [...kept],
      deletedVersions: allDeleted,
      deletedRuns,
      deletedObjects,
      ...(deps.segments ? { deletedDeltas: plan.deletedDeltas } : {}),
    };
  };
}
