import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedEntry } from '../../../core/feed/feed-event.ts';
import { ProgressCoalescer } from '../../../core/feed/progress-coalescer.ts';

const at = '2026-01-01T00:00:00.000Z';
let sequence = 0;
const progress = (jobId: string, value: number): FeedEntry => ({
  id: `1-${sequence++}`,
  event: { type: 'job.progress', queue: 'embedding', jobId, name: 'embed-batch', progress: value, at },
});
const completed = (jobId: string): FeedEntry => ({ id: `1-${sequence++}`, event: { type: 'job.completed', queue: 'embedding', jobId, name: 'embed-batch', result: null, at } });
const valueOf = (entry: FeedEntry) => (entry.event.type === 'job.progress' ? entry.event.progress : entry.event.type);

describe('progress coalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns a burst of thousands of progress events into the first and the latest per interval, per job', () => {
    const delivered: FeedEntry[] = [];
    const coalescer = new ProgressCoalescer({ intervalMs: 250, deliver: (entry) => delivered.push(entry) });
    for (let value = 1; value <= 5000; value += 1) {
      coalescer.push(progress('a', value));
      coalescer.push(progress('b', value));
    }
    expect(delivered.map(valueOf)).toEqual([1, 1]);
    vi.advanceTimersByTime(250);
    expect(delivered.map(valueOf)).toEqual([1, 1, 5000, 5000]);
    vi.advanceTimersByTime(10_000);
    expect(delivered).toHaveLength(4);
    coalescer.close();
  });

  it('sends completion at once and drops the progress it supersedes; other events go out at once, after the progress still waiting', () => {
    const delivered: FeedEntry[] = [];
    const coalescer = new ProgressCoalescer({ intervalMs: 1000, deliver: (entry) => delivered.push(entry) });
    coalescer.push(progress('c', 10));
    coalescer.push(progress('c', 20));
    coalescer.push(progress('c', 30));
    coalescer.push({ id: `1-${sequence++}`, event: { type: 'index.swapped', version: 'v2', previous: 'v1', at } });
    coalescer.push(progress('c', 40));
    coalescer.push(completed('c'));
    vi.advanceTimersByTime(5000);
    expect(delivered.map(valueOf)).toEqual([10, 30, 'index.swapped', 'job.completed']);
    expect(coalescer.pendingCount).toBe(0);
  });

  it('delivers in feed order, so the ids a client gets strictly increase (its last id is a safe place to resume from)', () => {
    const delivered: FeedEntry[] = [];
    const coalescer = new ProgressCoalescer({ intervalMs: 1000, deliver: (entry) => delivered.push(entry) });
    coalescer.push(progress('e', 1));
    coalescer.push(progress('f', 1));
    coalescer.push(progress('e', 2));
    coalescer.push(progress('f', 2));
    coalescer.push(progress('e', 3));
    coalescer.push({ id: `1-${sequence++}`, event: { type: 'queue.depth', queue: 'embedding', counts: { waiting: 1 }, at } });
    coalescer.push(progress('f', 3));
    vi.advanceTimersByTime(5000);
    // f's 2 waited behind e's 3 (an older id) and both went out, in order, before the queue depth.
    expect(delivered.map((entry) => `${entry.event.type === 'job.progress' ? entry.event.jobId : ''}${valueOf(entry)}`)).toEqual(['e1', 'f1', 'f2', 'e3', 'queue.depth', 'f3']);
    const ids = delivered.map((entry) => Number(entry.id.split('-')[1]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    coalescer.close();
  });

  it('sends nothing after close', () => {
    const delivered: FeedEntry[] = [];
    const coalescer = new ProgressCoalescer({ intervalMs: 100, deliver: (entry) => delivered.push(entry) });
    coalescer.push(progress('d', 1));
    coalescer.push(progress('d', 2));
    coalescer.close();
    vi.advanceTimersByTime(1000);
    coalescer.push(progress('d', 3));
    expect(delivered.map(valueOf)).toEqual([1]);
  });
});
