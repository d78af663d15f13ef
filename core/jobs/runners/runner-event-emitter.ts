import type { Logger } from '../../logger.ts';
import type { RunnerEvent } from '../../ports/job-workers.ts';

/** The one event emitter both runners report through. */
export interface RunnerEventEmitter {
  emit(event: RunnerEvent): void;
  subscribe(listener: (event: RunnerEvent) => void): () => void;
}

/**
 * Calls every listener with each event. A listener that throws is logged and the others still
 * hear the event: a broken listener must not break job processing.
 */
export function createRunnerEventEmitter(logger: Logger): RunnerEventEmitter {
  const listeners = new Set<(event: RunnerEvent) => void>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          logger.warn({ err: error, event: event.type, jobId: event.jobId }, 'job event listener failed');
        }
      }
    },
    subscribe(listener) {
      // A wrapper per subscription, so subscribing the same function twice unsubscribes one at a time.
      const entry = (event: RunnerEvent) => listener(event);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  };
}
