import { compareFeedIds, type FeedEntry } from './feed-event.ts';

export interface ProgressCoalescerOptions {
  /** Least time between two progress events of one job sent to one client. */
  intervalMs: number;
  deliver: (entry: FeedEntry) => void;
  now?: () => number;
}

/**
 * Per-client throttle: progress events of one job go out at most once per `intervalMs`; the
 * ones in between are coalesced and the latest is sent when the interval ends, so a burst of
 * thousands of updates becomes a few messages and the client still sees the final value. A
 * job's completed/failed event drops its pending progress and goes out at once, as does every
 * other event.
 *
 * Entries go out in feed order: before an entry is delivered, the progress still waiting (older
 * by construction) is delivered first. So the ids a client receives strictly increase, and the
 * last one it got is a safe place to resume from: nothing older is still to come.
 */
export class ProgressCoalescer {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, { entry: FeedEntry; timer: ReturnType<typeof setTimeout> }>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: ProgressCoalescerOptions) {
    this.now = options.now ?? Date.now;
  }

  push(entry: FeedEntry): void {
    if (this.closed) return;
    const { event } = entry;
    if (event.type === 'job.completed' || event.type === 'job.failed') {
      const key = `${event.queue}:${event.jobId}`;
      this.cancel(key);
      this.lastSent.delete(key);
      this.flushAll();
      this.options.deliver(entry);
      return;
    }
    if (event.type !== 'job.progress') {
      this.flushAll();
      this.options.deliver(entry);
      return;
    }
    const key = `${event.queue}:${event.jobId}`;
    const last = this.lastSent.get(key);
    const at = this.now();
    if (last === undefined || at - last >= this.options.intervalMs) {
      this.cancel(key);
      this.flushAll();
      this.lastSent.set(key, at);
      this.options.deliver(entry);
      return;
    }
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.entry = entry;
      return;
    }
    const timer = setTimeout(() => this.flush(key), last + this.options.intervalMs - at);
    this.pending.set(key, { entry, timer });
  }

  /** Progress events waiting for their job's interval to end. */
  get pendingCount(): number {
    return this.pending.size;
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private flush(key: string): void {
    const waiting = this.pending.get(key);
    if (!waiting || this.closed) return;
    this.pending.delete(key);
    this.lastSent.set(key, this.now());
    this.options.deliver(waiting.entry);
  }

  /** Delivers every waiting progress now, oldest first (an entry newer than them is about to go out). */
  private flushAll(): void {
    if (this.pending.size === 0) return;
    const waiting = [...this.pending.entries()].sort(([, left], [, right]) => compareFeedIds(left.entry.id, right.entry.id));
    for (const [key] of waiting) this.flush(key);
  }

  private cancel(key: string): void {
    const waiting = this.pending.get(key);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.pending.delete(key);
  }
}
