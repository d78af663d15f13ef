import type { JobName } from '../../shared/contracts/jobs.ts';
import type { FlowSpec } from '../ports/job-spec.ts';
import type { ProcessorContext, Processors } from '../ports/job-workers.ts';
import type { Tracing } from '../tracing/tracing.ts';

/**
 * The same processors, each run in a consumer span `job <name>` that continues the trace in the
 * job's `traceparent` (an admin request's, or the ingest job's for the jobs of its flow), or
 * starts one. A flow added from inside the run carries the run's span, so embed-batch,
 * build-index and publish join the trace of the sync that started them.
 */
export function tracedProcessors(processors: Processors, tracing: Tracing): Processors {
  const traced = {} as Record<JobName, (context: ProcessorContext) => Promise<unknown>>;
  for (const name of Object.keys(processors) as JobName[]) {
    const processor = processors[name] as (context: ProcessorContext) => Promise<unknown>;
    traced[name] = (context) =>
      tracing.span(
        `job ${name}`,
        {
          kind: 'consumer',
          remoteParent: { traceparent: context.data.traceparent },
          attributes: { 'apfa.job.id': context.id, 'apfa.job.name': name, 'apfa.job.queue': context.queue, 'apfa.job.attempt': context.attemptsMade + 1 },
        },
        () =>
          processor({
            id: context.id,
            name: context.name,
            queue: context.queue,
            data: context.data,
            attemptsMade: context.attemptsMade,
            progress: (value) => context.progress(value),
            childrenValues: () => context.childrenValues(),
            addFlow: (flow) => context.addFlow(withTraceparent(flow, tracing.traceparent())),
          }),
      );
  }
  return traced as unknown as Processors;
}

/** The flow with `traceparent` in every job's payload (none added when tracing is off). */
function withTraceparent(flow: FlowSpec, traceparent: string | undefined): FlowSpec {
  if (traceparent === undefined) return flow;
  return {
    ...flow,
    data: { ...flow.data, traceparent },
    ...(flow.children ? { children: flow.children.map((child) => withTraceparent(child, traceparent)) } : {}),
  } as FlowSpec;
}
