import type { Logger } from '../../logger.ts';
import type { IndexPlan } from '../../index/choose-index-kind.ts';
import type { IndexRepository } from '../../indexing/index-repository.ts';
import type { DocumentSource } from '../../ports/document-source.ts';
import type { QueueCounts } from '../../ports/job-spec.ts';
import type { ObjectStore } from '../../ports/object-store.ts';
import type { BuildEmbedders } from '../build-embedders.ts';
import type { RunStore } from '../run-store.ts';
import type { SwapAnnouncer } from '../swap-announcer.ts';
import type { ChangePublisher } from '../../segments/change-publisher.ts';

/** What the job processors work with; assembled once by createJobSystem. */
export interface ProcessorDependencies {
  store: ObjectStore;
  runs: RunStore;
  repository: IndexRepository;
  /** Resolves a source name from an ingest payload. */
  sources: (name: string) => DocumentSource | undefined;
  embedders: BuildEmbedders;
  announcer: SwapAnnouncer;
  plan?: IndexPlan | ((count: number) => IndexPlan) | undefined;
  /** Documents per embed-batch job. */
  batchSize: number;
  /** Texts per embed call inside a batch; the processor yields to the event loop between them. */
  embedChunkSize: number;
  /** Attempts and first backoff delay for the jobs of a flow. */
  attempts: number;
  backoffMs: number;
  /** Previous versions kept besides the live one. */
  keepVersions: number;
  /** Runs without a result younger than this are in progress, not garbage. */
  runGraceMs: number;
  queueCounts: () => Promise<QueueCounts>;
  /**
   * Segments on (INDEX_SEGMENTS=on): a sync whose change is small publishes a delta instead of a
   * full build, and a built base is brought up to the source before it goes live (docs/segments.md).
   */
  segments?: ChangePublisher | undefined;
  now: () => Date;
  logger: Logger;
}
