/**
 * The design's FAISS migration triggers: ApproachingMigrationThreshold above 400k vectors,
 * CriticalMigrationRequired above 500k (exact IndexFlatIP search gets too slow; IVF replaces it).
 */
export const MIGRATION_THRESHOLDS = { warning: 400_000, critical: 500_000 } as const;

export interface MigrationUrgency {
  /** 0-100 (the design's gauge): 0-50 up to the warning threshold, 50-100 between warning and critical, 100 beyond. */
  score: number;
  /** 'migrated' when the live index is already IVF, so there is nothing to migrate. */
  level: 'ok' | 'approaching' | 'critical' | 'migrated';
}

/**
 * The design names the score but gives no formula; this one is piecewise linear so it reads
 * naturally on a 0-100 gauge: half way at the warning threshold, full at the critical one.
 */
export function migrationUrgency(
  vectorCount: number,
  options: { indexKind?: string | undefined; thresholds?: { warning: number; critical: number } } = {},
): MigrationUrgency {
  const { warning, critical } = options.thresholds ?? MIGRATION_THRESHOLDS;
  if (options.indexKind?.startsWith('IVF')) return { score: 0, level: 'migrated' };
  const count = Math.max(0, vectorCount);
  const raw = count <= warning ? (50 * count) / warning : count >= critical ? 100 : 50 + (50 * (count - warning)) / (critical - warning);
  const score = Math.round(raw * 10) / 10;
  const level = count > critical ? 'critical' : count > warning ? 'approaching' : 'ok';
  return { score, level };
}

/**
 * Days until the vector count passes the critical threshold at the growth rate seen between
 * the oldest and the newest stored version; null when not growing (or already past it).
 */
export function daysUntilCritical(history: readonly { created: string; count: number }[], critical: number = MIGRATION_THRESHOLDS.critical): number | null {
  const newest = newestOf(history);
  if (!newest || history.length < 2) return null;
  if (newest.count >= critical) return 0;
  const perDay = vectorGrowthPerDay(history);
  if (perDay === null || perDay <= 0) return null;
  return Math.round(((critical - newest.count) / perDay) * 10) / 10;
}

/**
 * Vectors added per day between the oldest and the newest stored version (negative when the
 * index shrank); null with fewer than two versions or no time between them.
 */
export function vectorGrowthPerDay(history: readonly { created: string; count: number }[]): number | null {
  if (history.length < 2) return null;
  const sorted = [...history].sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const days = (Date.parse(last.created) - Date.parse(first.created)) / 86_400_000;
  return days > 0 ? (last.count - first.count) / days : null;
}

function newestOf(history: readonly { created: string; count: number }[]): { created: string; count: number } | undefined {
  let newest: { created: string; count: number } | undefined;
  for (const entry of history) if (!newest || Date.parse(entry.created) >= Date.parse(newest.created)) newest = entry;
  return newest;
}
