import { describe, expect, it } from 'vitest';
import { InProcessJobRunner } from '../../../core/jobs/runners/in-process-job-runner.ts';
import type { ProcessorContext, Processors, RunnerEvent } from '../../../core/ports/job-workers.ts';
import { AppError } from '../../../shared/errors/app-error.ts';
import { silentLogger } from './job-system-harness.ts';

const single = { embedding: 1, indexing: 1, maintenance: 1 };

/** Every job name doing the same thing (queues follow from the names: ingest → embedding, publish → indexing, cleanup → maintenance). */
const everyName = (processor: (context: ProcessorContext) => Promise<unknown>): Processors => ({
  ingest: processor,
  'embed-batch': processor,
  'build-index': processor,
  publish: processor,
  cleanup: processor,
  stats: processor,
});

describe('in-process job runner', () => {
  it('runs the most urgent queue first and each queue within its concurrency', async () => {
    const order: string[] = [];
    const runner = new InProcessJobRunner({ concurrency: single, logger: silentLogger });
    await runner.add({ id: 'm1', name: 'cleanup', data: {} });
    await runner.add({ id: 'i1', name: 'publish', data: {} });
    await runner.add({ id: 'e1', name: 'ingest', data: { source: 'a' } });
    await runner.add({ id: 'e2', name: 'ingest', data: { source: 'b' } });
    await runner.start(everyName(async (context) => void order.push(context.id)));
    await expect.poll(() => order.length).toBe(4);
    // First round: one per queue, urgent first; then the second embedding job.
    expect(order).toEqual(['e1', 'i1', 'm1', 'e2']);
    await runner.close();
  });

  it('ignores a job id it already has, retries with backoff, and fails at once on a permanent error', async () => {
    const events: RunnerEvent[] = [];
    let calls = 0;
    const runner = new InProcessJobRunner({ concurrency: single, logger: silentLogger });
    runner.subscribe((event) => events.push(event));
    await runner.start(
      everyName(async (context) => {
        if (context.id === 'y') throw new AppError('validation-failed', { detail: 'no documents' });
        calls++;
        if (calls < 3) throw new Error('transient');
        return 'done';
      }),
    );
    await runner.add({ id: 'x', name: 'ingest', data: { source: 'x' }, attempts: 5, backoffMs: 5 });
    await runner.add({ id: 'x', name: 'ingest', data: { source: 'x' }, attempts: 5, backoffMs: 5 });
    await runner.add({ id: 'y', name: 'ingest', data: { source: 'y' }, attempts: 5, backoffMs: 5 });
    await expect.poll(() => runner.state('embedding', 'x')).toBe('completed');
    await expect.poll(() => runner.state('embedding', 'y')).toBe('failed');
    expect(calls).toBe(3);
    expect(events.filter((event) => event.type === 'failed' && event.jobId === 'x').map((event) => event.type === 'failed' && event.willRetry)).toEqual([true, true]);
    expect(events.filter((event) => event.type === 'failed' && event.jobId === 'y')).toMatchObject([{ willRetry: false, attemptsMade: 1 }]);
    await runner.close();
  });

  it('a parent waits for its children, sees their values, and fails when a child fails for good', async () => {
    const runner = new InProcessJobRunner({ concurrency: { embedding: 2, indexing: 1, maintenance: 1 }, logger: silentLogger });
    const events: RunnerEvent[] = [];
    runner.subscribe((event) => events.push(event));
    await runner.start({
      ...everyName(async () => undefined),
      ingest: async (context) => {
        if (context.data.source === 'broken') throw new Error('always');
        return Number(context.data.source) * 10;
      },
      publish: async (context) => (await context.childrenValues()) as number[],
    });
    await runner.addFlow({
      id: 'p', name: 'publish', data: {},
      children: [1, 2, 3].map((n) => ({ id: `c${n}`, name: 'ingest' as const, data: { source: String(n) } })),
    });
    await expect.poll(() => runner.state('indexing', 'p')).toBe('completed');
    expect((await runner.get('indexing', 'p'))?.result).toEqual([10, 20, 30]);
    await runner.addFlow({ id: 'q', name: 'publish', data: {}, children: [{ id: 'b', name: 'ingest', data: { source: 'broken' }, attempts: 2 }] });
    await expect.poll(() => runner.state('indexing', 'q')).toBe('failed');
    // The child's failure is reported before its parent's, each once its state says so.
    expect(events.filter((event) => event.type === 'failed' && !event.willRetry).map((event) => event.jobId)).toEqual(['b', 'q']);
    await runner.close();
  });

  it('close() waits for the job in flight to finish', async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const runner = new InProcessJobRunner({ concurrency: single, logger: silentLogger });
    await runner.start(
      everyName(async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      }),
    );
    await runner.add({ id: 's', name: 'cleanup', data: {} });
    await running;
    await runner.close();
    expect(finished).toBe(true);
    expect(await runner.state('maintenance', 's')).toBe('completed');
  });

  it('schedules repeat on an interval', async () => {
    let runs = 0;
    const runner = new InProcessJobRunner({ concurrency: single, logger: silentLogger });
    await runner.start(everyName(async () => void runs++));
    await runner.schedule('ticker', { every: 1000 }, { name: 'stats', data: {} });
    await expect.poll(() => runs, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await runner.close();
  });
});
