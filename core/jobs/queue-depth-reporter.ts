import type { QueueCounts } from '../ports/job-spec.ts';
import type { QueueName } from '../../shared/contracts/jobs.ts';

export interface QueueDepthReporterOptions {
  counts: () => Promise<QueueCounts>;
  /** Called with each queue that changed since the last report and its counts. */
  report: (queue: QueueName, counts: Record<string, number>) => void;
  /** Least time between two reads of the counts (a burst of job events costs one read). */
  intervalMs: number;
  onError?: (error: unknown) => void;
}

export interface QueueDepthReporter {
  /** A job of this queue changed state: report its depth within `intervalMs`. */
  touch(queue: QueueName): void;
  close(): void;
}

/**
 * Turns job state changes into `queue.depth` reports, throttled: the first change starts a
 * timer, every change until it fires joins the same report, and the counts are read once.
 */
export function createQueueDepthReporter(options: QueueDepthReporterOptions): QueueDepthReporter {
  const dirty = new Set<QueueName>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const flush = async () => {
    timer = null;
    const queues = [...dirty];
    dirty.clear();
    try {
      const counts = await options.counts();
      if (closed) return;
      for (const queue of queues) options.report(queue, numericCounts(counts[queue]));
    } catch (error) {
      options.onError?.(error);
    }
  };
  return {
    touch(queue) {
      if (closed) return;
      dirty.add(queue);
      if (timer) return;
      timer = setTimeout(() => void flush(), options.intervalMs);
      timer.unref();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      dirty.clear();
    },
  };
}

/** Counts with only numeric entries (the feed event's shape). */
export function numericCounts(counts: Partial<Record<string, number>> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(counts ?? {}).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}
