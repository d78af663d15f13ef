import type { IndexRepository } from '../indexing/index-repository.ts';
import type { SegmentedIndexRepository } from '../segments/segmented-repository.ts';
import { daysUntilCritical, MIGRATION_THRESHOLDS, migrationUrgency, vectorGrowthPerDay, type MigrationUrgency } from './migration-urgency.ts';

/** The live index version's size and the migration outlook, from the stored manifests. */
export interface IndexStats {
  version: string | null;
  vectors: number;
  dimension: number;
  indexKind: string | null;
  /** Bytes the live index's vectors take in memory (float32, or 1 byte per dimension for SQ8). */
  memoryBytes: number;
  urgency: MigrationUrgency;
  thresholds: { warning: number; critical: number };
  /** Vectors added per day between the oldest and newest stored version; null with fewer than two. */
  growthPerDay: number | null;
  /** At that growth rate; null when not growing. */
  daysUntilCritical: number | null;
}

/** Reads the statistics the stats job reports and the admin API shows. */
export async function readIndexStats(repository: Pick<IndexRepository, 'latestVersion' | 'listManifests'>): Promise<IndexStats> {
  const live = await repository.latestVersion();
  const manifests = await repository.listManifests();
  let manifest = manifests.find((candidate) => candidate.version === live);
  let vectors = manifest?.count ?? 0;
  // Segments on (core/segments/segmented-repository.ts): a live segmented version is measured by its base's kind and dimension and its live documents.
  const segmented = manifest === undefined && live !== null && 'segmentedVersion' in repository ? await (repository as SegmentedIndexRepository).segmentedVersion(live) : null;
  if (segmented) {
    manifest = manifests.find((candidate) => candidate.version === segmented.base.version);
    vectors = segmented.documents;
  }
  const dimension = manifest?.dimension ?? 0;
  const indexKind = manifest?.index.kind ?? null;
  const bytesPerVector = indexKind?.endsWith('SQ8') ? dimension : dimension * 4;
  const history = manifests.map(({ created, count }) => ({ created, count }));
  const growth = vectorGrowthPerDay(history);
  return {
    version: live,
    vectors,
    dimension,
    indexKind,
    memoryBytes: vectors * bytesPerVector,
    urgency: migrationUrgency(vectors, { indexKind: indexKind ?? undefined }),
    thresholds: { ...MIGRATION_THRESHOLDS },
    growthPerDay: growth === null ? null : Math.round(growth * 10) / 10,
    daysUntilCritical: daysUntilCritical(history),
  };
}
