import type { LiveIndex } from '../advice/live-index.ts';
import type { JobEvent } from '../jobs/job-events.ts';

/**
 * Resolves once the live index holds a version (the first build of a fresh install), rejects
 * when an indexing job fails for good or after `timeoutMs`. Used by `npm start` so the first
 * start answers as soon as it returns, while later starts load the stored version at once.
 */
export function waitForFirstIndex(live: LiveIndex, listeners: Set<(event: JobEvent) => void>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearInterval(poll);
      clearTimeout(timer);
      listeners.delete(listener);
      if (error) reject(error);
      else resolve();
    };
    const listener = (event: JobEvent) => {
      if (event.type === 'job.failed' && !event.willRetry) finish(new Error(`indexing job ${event.name} failed: ${event.error}`));
    };
    listeners.add(listener);
    const poll = setInterval(() => {
      if (live.current() !== null) finish();
    }, 25);
    const timer = setTimeout(() => finish(new Error(`no index after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    timer.unref?.();
  });
}
