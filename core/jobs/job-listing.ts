import type { JobCursor, JobListQuery } from '../ports/job-admin.ts';
import type { JobState } from '../ports/job-spec.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';
import { QUEUE_NAMES } from './queue-topology.ts';

/** Every job state, in the order the admin views list them. */
export const JOB_STATES: readonly JobState[] = ['active', 'waiting', 'waiting-children', 'prioritized', 'delayed', 'failed', 'completed'];

/** What a runner knows cheaply about every job it holds: enough to filter, sort and page. */
export interface JobListEntry {
  queue: QueueName;
  id: string;
  state: JobState;
  createdAt: number;
}

/** Newest first; ties (same millisecond) by queue, then id, so the order is total and pages never overlap. */
export function compareJobEntries(a: JobCursor, b: JobCursor): number {
  return b.createdAt - a.createdAt || a.queue.localeCompare(b.queue) || b.id.localeCompare(a.id);
}

/** The queues and states a query covers (defaults: all). */
export function queryScope(query: Pick<JobListQuery, 'queues' | 'states'>): { queues: readonly QueueName[]; states: readonly JobState[] } {
  return {
    queues: query.queues && query.queues.length > 0 ? query.queues : QUEUE_NAMES,
    states: query.states && query.states.length > 0 ? query.states : JOB_STATES,
  };
}

/**
 * Filters entries by queue, state and creation time, sorts them newest first and cuts the page
 * after `query.after` (keyset paging: a job added meanwhile never shifts a later page). Both
 * runners list through this, so their pages agree.
 */
export function selectJobPage<T extends JobListEntry>(entries: Iterable<T>, query: JobListQuery): { page: T[]; next: JobCursor | null } {
  const { queues, states } = queryScope(query);
  const limit = Math.max(1, Math.floor(query.limit));
  const matching: T[] = [];
  for (const entry of entries) {
    if (!queues.includes(entry.queue) || !states.includes(entry.state)) continue;
    if (query.from !== undefined && entry.createdAt < query.from) continue;
    if (query.to !== undefined && entry.createdAt >= query.to) continue;
    if (query.after !== undefined && compareJobEntries(entry, query.after) <= 0) continue;
    matching.push(entry);
  }
  matching.sort(compareJobEntries);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: matching.length > limit && last ? { createdAt: last.createdAt, queue: last.queue, id: last.id } : null };
}
