import type { JobName } from '../../shared/contracts/jobs.ts';
import type { FlowSpec, JobSpec, RepeatSpec } from './job-spec.ts';

/** What a producer uses: adding jobs and flows now, and repeating jobs on a schedule. */
export interface JobProducer {
  /** Adds a job (a no-op when its id exists); returns its id. */
  add<N extends JobName>(job: JobSpec<N>): Promise<string>;
  /** Adds a parent with its children (ids as in `add`); returns the parent's id. */
  addFlow(flow: FlowSpec): Promise<string>;
  /** Creates or updates a repeating job (BullMQ job scheduler). */
  schedule<N extends JobName>(schedulerId: string, repeat: RepeatSpec, job: Omit<JobSpec<N>, 'id'>): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
}
