import type { ProcessorContext } from '../ports/job-workers.ts';
import type { JobName } from '../../shared/contracts/jobs.ts';
import type { BuildIndexResult } from './processors/build-index.ts';
import type { CleanupResult } from './processors/cleanup.ts';
import type { EmbedBatchResult } from './processors/embed-batch.ts';
import type { IngestResult } from './processors/ingest.ts';
import type { PublishResult } from './processors/publish.ts';
import type { StatsResult } from './processors/stats.ts';

/** What each job's processor returns, by name (the result in a completed event). */
export interface JobResults {
  ingest: IngestResult;
  'embed-batch': EmbedBatchResult;
  'build-index': BuildIndexResult;
  publish: PublishResult;
  cleanup: CleanupResult;
  stats: StatsResult;
}

/** A processor per job name, each returning its job's result (what createProcessors builds). */
export type TypedProcessors = { [N in JobName]: (context: ProcessorContext<N>) => Promise<JobResults[N]> };

/** The result of a completed job of this name (results cross Redis as JSON, typed by the processor that made them). */
export function resultOf<N extends JobName>(_name: N, result: unknown): JobResults[N] {
  return result as JobResults[N];
}
