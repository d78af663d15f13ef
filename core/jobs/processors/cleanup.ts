import type { ProcessorContext } from '../../ports/job-workers.ts';
import { JobPayloadSchemas } from '../../../shared/contracts/jobs.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface CleanupResult {
  live: string | null;
  keptVersions: string[];
  deletedVersions: string[];
  deletedRuns: string[];
  deletedObjects: number;
}

/**
 * Keeps the live version and the `keep` most recent others (rollback targets); deletes older
 * versions, and the batches of runs that built none of the kept versions. The run holding the
 * vector cache and runs still in progress (no result yet, younger than the grace period) stay.
 */
export function createCleanupProcessor(deps: ProcessorDependencies) {
  return async (context: ProcessorContext<'cleanup'>): Promise<CleanupResult> => {
    const keep = JobPayloadSchemas.cleanup.parse(context.data).keep ?? deps.keepVersions;
    const live = await deps.repository.latestVersion();
    const manifests = await deps.repository.listManifests();
    const newestFirst = manifests
      .filter((manifest) => manifest.version !== live)
      .sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    const kept = new Set([...(live ? [live] : []), ...newestFirst.slice(0, keep).map((manifest) => manifest.version)]);
    const deletedVersions = newestFirst.slice(keep).map((manifest) => manifest.version);

    let deletedObjects = 0;
    for (const version of deletedVersions) {
      const keys = await deps.store.list(`indexes/${version}/`);
      for (const key of keys) await deps.store.delete(key);
      deletedObjects += keys.length;
    }

    const cacheRun = (await deps.runs.readCachePointer())?.run;
    const deletedRuns: string[] = [];
    const now = deps.now().getTime();
    for (const run of await deps.runs.listRuns()) {
      if (run === cacheRun || run === 'cache.json') continue;
      const result = await deps.runs.readResult(run);
      if (result) {
        if (kept.has(result.version)) continue;
      } else {
        const descriptor = await deps.runs.readRun(run);
        if (descriptor && now - Date.parse(descriptor.created) < deps.runGraceMs) continue;
      }
      deletedObjects += await deps.runs.deleteRun(run);
      deletedRuns.push(run);
    }
    await context.progress({ deletedVersions: deletedVersions.length, deletedRuns: deletedRuns.length });
    deps.logger.info({ live, kept: kept.size, deletedVersions: deletedVersions.length, deletedRuns: deletedRuns.length }, 'cleaned up index versions and batches');
    return { live, keptVersions: [...kept], deletedVersions, deletedRuns, deletedObjects };
  };
}
