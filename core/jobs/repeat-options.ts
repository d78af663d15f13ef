import type { RepeatSpec } from '../ports/job-spec.ts';

/**
 * A repeat spec as BullMQ's repeat options (`upsertJobScheduler`, `getNextMillis`): both runners
 * turn schedules into the same options, so they fire at the same times.
 */
export function repeatOptions(repeat: RepeatSpec): { every: number } | { pattern: string; tz?: string } {
  return 'every' in repeat ? { every: repeat.every } : { pattern: repeat.pattern, ...(repeat.tz ? { tz: repeat.tz } : {}) };
}
