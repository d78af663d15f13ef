/** How a job is retried: total attempts and the first backoff delay (doubling after each failure). */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** The retry policy from the job settings, for every job but stats (which runs once). */
export function retryPolicy(settings: RetryPolicy): RetryPolicy {
  return { attempts: settings.attempts, backoffMs: settings.backoffMs };
}

/**
 * Exponential backoff as BullMQ computes it ({ type: 'exponential', delay }): the wait before
 * the next attempt is `backoffMs × 2^(attemptsMade − 1)`. The in-process runner waits this long.
 */
export function backoffDelayMs(backoffMs: number, attemptsMade: number): number {
  return backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}

/** BullMQ's backoff option for a first delay (none when 0). */
export function bullmqBackoff(backoffMs: number | undefined): { backoff: { type: 'exponential'; delay: number } } | Record<string, never> {
  return backoffMs ? { backoff: { type: 'exponential', delay: backoffMs } } : {};
}
