import type { QueueCounts } from '../../ports/job-runner.ts';
import type { ProcessorContext } from '../../ports/job-runner.ts';
import { daysUntilCritical, MIGRATION_THRESHOLDS, migrationUrgency, type MigrationUrgency } from '../migration-urgency.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface StatsResult {
  version: string | null;
  vectors: number;
  dimension: number;
  indexKind: string | null;
  /** Bytes the live index's vectors take in memory (float32, or 1 byte per dimension for SQ8). */
  memoryBytes: number;
  urgency: MigrationUrgency;
  thresholds: { warning: number; critical: number };
  /** At the growth rate of the stored versions; null when not growing. */
  daysUntilCritical: number | null;
  queues: QueueCounts;
}

/** Index statistics for the dashboards: vector count, memory, the migration-urgency score, queue depths. */
export function createStatsProcessor(deps: ProcessorDependencies) {
  return async (_context: ProcessorContext): Promise<StatsResult> => {
    const live = await deps.repository.latestVersion();
    const manifests = await deps.repository.listManifests();
    const manifest = manifests.find((candidate) => candidate.version === live);
    const vectors = manifest?.count ?? 0;
    const dimension = manifest?.dimension ?? 0;
    const indexKind = manifest?.index.kind ?? null;
    const bytesPerVector = indexKind?.endsWith('SQ8') ? dimension : dimension * 4;
    return {
      version: live,
      vectors,
      dimension,
      indexKind,
      memoryBytes: vectors * bytesPerVector,
      urgency: migrationUrgency(vectors, { indexKind: indexKind ?? undefined }),
      thresholds: { ...MIGRATION_THRESHOLDS },
      daysUntilCritical: daysUntilCritical(manifests.map(({ created, count }) => ({ created, count }))),
      queues: await deps.queueCounts(),
    };
  };
}
