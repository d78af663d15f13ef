import type { JobName } from '../../shared/contracts/jobs.ts';
import type { ProcessorContext, Processors } from '../ports/job-workers.ts';
import type { JobObserver } from './job-observer.ts';
import { resultOf } from './job-results.ts';

/**
 * The same processors, each run timed and reported to `observer` (`onJobRun`), and each
 * embed-batch job's embedded documents and time (`onEmbeddingBatch`). Applied once, where the
 * job system registers its processors, for both runners.
 */
export function observedProcessors(processors: Processors, observer: JobObserver, now: () => number = () => performance.now()): Processors {
  const observed = {} as Record<JobName, (context: ProcessorContext) => Promise<unknown>>;
  for (const name of Object.keys(processors) as JobName[]) {
    const processor = processors[name] as (context: ProcessorContext) => Promise<unknown>;
    observed[name] = async (context) => {
      const started = now();
      const seconds = () => (now() - started) / 1000;
      let result: unknown;
      try {
        result = await processor(context);
      } catch (error) {
        observer.onJobRun?.({ queue: context.queue, name, seconds: seconds(), ok: false });
        throw error;
      }
      const elapsed = seconds();
      observer.onJobRun?.({ queue: context.queue, name, seconds: elapsed, ok: true });
      if (name === 'embed-batch') observer.onEmbeddingBatch?.({ seconds: elapsed, documents: resultOf('embed-batch', result).embedded });
      return result;
    };
  }
  return observed as unknown as Processors;
}
