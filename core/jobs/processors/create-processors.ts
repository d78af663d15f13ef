import type { TypedProcessors } from '../job-results.ts';
import { createBuildIndexProcessor } from './build-index.ts';
import { createCleanupProcessor } from './cleanup.ts';
import { createEmbedBatchProcessor } from './embed-batch.ts';
import { createIngestProcessor } from './ingest.ts';
import type { ProcessorDependencies } from './processor-dependencies.ts';
import { createPublishProcessor } from './publish.ts';
import { createStatsProcessor } from './stats.ts';

/** Every job's processor, registered in one place; both runners call these. */
export function createProcessors(deps: ProcessorDependencies): TypedProcessors {
  return {
    ingest: createIngestProcessor(deps),
    'embed-batch': createEmbedBatchProcessor(deps),
    'build-index': createBuildIndexProcessor(deps),
    publish: createPublishProcessor(deps),
    cleanup: createCleanupProcessor(deps),
    stats: createStatsProcessor(deps),
  };
}
