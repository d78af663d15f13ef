import type { AdviceHistory } from './advice-history.ts';

export interface HistoryRetentionOptions {
  history: Pick<AdviceHistory, 'purgeExpired'>;
  /** How often to purge (default hourly). */
  intervalMs?: number;
  onPurged?: (count: number) => void;
  onError?: (error: unknown) => void;
}

/** Purges expired advice history now and then every `intervalMs`; returns a stop function. */
export function startHistoryRetention(options: HistoryRetentionOptions): () => void {
  const { history, intervalMs = 3600_000, onPurged, onError } = options;
  let running = false;
  const purge = async () => {
    if (running) return;
    running = true;
    try {
      const count = await history.purgeExpired();
      if (count > 0) onPurged?.(count);
    } catch (error) {
      onError?.(error);
    } finally {
      running = false;
    }
  };
  void purge();
  const timer = setInterval(() => void purge(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
