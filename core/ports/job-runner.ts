import type { JobAdministration } from './job-admin.ts';
import type { JobProducer } from './job-producer.ts';
import type { JobWorkers, RunnerEvents } from './job-workers.ts';

/**
 * Runs the named jobs on their queues: BullMQ on Redis, or an in-process runner for the
 * embedded default. Both call the same processors, report the same events and use the same
 * job states. Each user depends on its part only: producers on JobProducer, the job system on
 * JobWorkers and RunnerEvents, the admin API on JobAdministration.
 */
export interface JobRunner extends JobProducer, JobWorkers, RunnerEvents, JobAdministration {}
