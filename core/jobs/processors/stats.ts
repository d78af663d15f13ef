import type { QueueCounts } from '../../ports/job-spec.ts';
import type { ProcessorContext } from '../../ports/job-workers.ts';
import { readIndexStats, type IndexStats } from '../index-stats.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';

export interface StatsResult extends IndexStats {
  queues: QueueCounts;
}

/** Index statistics for the dashboards: vector count, memory, the migration-urgency score, queue depths. */
export function createStatsProcessor(deps: ProcessorDependencies) {
  return async (_context: ProcessorContext<'stats'>): Promise<StatsResult> => ({ ...(await readIndexStats(deps.repository)), queues: await deps.queueCounts() });
}
