import { describe, expect, it } from 'vitest';
import { InProcessJobRunner } from '../../../core/jobs/runners/in-process-job-runner.ts';
import type { ProcessorContext, RunnerEvent } from '../../../core/ports/job-runner.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const single = { embedding: 1, indexing: 1, maintenance: 1 };

describe('in-process job runner', () => {
  it('runs the most urgent queue first and each queue within its concurrency', async () => {
    const order: string[] = [];
    const runner = new InProcessJobRunner({
      concurrency: single,
      processors: { work: async (context: ProcessorContext) => void order.push(context.id) },
    });
    await runner.add({ id: 'm1', name: 'work', queue: 'maintenance', data: {} });
    await runner.add({ id: 'i1', name: 'work', queue: 'indexing', data: {} });
    await runner.add({ id: 'e1', name: 'work', queue: 'embedding', data: {} });
    await runner.add({ id: 'e2', name: 'work', queue: 'embedding', data: {} });
    await runner.start();
    await expect.poll(() => order.length).toBe(4);
    // First round: one per queue, urgent first; then the second embedding job.
    expect(order).toEqual(['e1', 'i1', 'm1', 'e2']);
    await runner.close();
  });

  it('ignores a job id it already has, retries with backoff, and fails at once on a permanent error', async () => {
    const events: RunnerEvent[] = [];
    let calls = 0;
    const runner = new InProcessJobRunner({
      concurrency: single,
      onEvent: (event) => events.push(event),
      processors: {
        flaky: async () => {
          calls++;
          if (calls < 3) throw new Error('transient');
          return 'done';
        },
        bad: async () => {
          throw new AppError('validation-failed', { detail: 'no documents' });
        },
      },
    });
    await runner.start();
    await runner.add({ id: 'x', name: 'flaky', queue: 'embedding', data: {}, attempts: 5, backoffMs: 5 });
    await runner.add({ id: 'x', name: 'flaky', queue: 'embedding', data: {}, attempts: 5, backoffMs: 5 });
    await runner.add({ id: 'y', name: 'bad', queue: 'embedding', data: {}, attempts: 5, backoffMs: 5 });
    await expect.poll(() => runner.state('embedding', 'x')).toBe('completed');
    await expect.poll(() => runner.state('embedding', 'y')).toBe('failed');
    expect(calls).toBe(3);
    expect(events.filter((event) => event.type === 'failed' && event.jobId === 'x').map((event) => event.type === 'failed' && event.willRetry)).toEqual([true, true]);
    expect(events.filter((event) => event.type === 'failed' && event.jobId === 'y')).toMatchObject([{ willRetry: false, attemptsMade: 1 }]);
    await runner.close();
  });

  it('a parent waits for its children, sees their values, and fails when a child fails for good', async () => {
    const runner = new InProcessJobRunner({
      concurrency: { embedding: 2, indexing: 1, maintenance: 1 },
      processors: {
        child: async (context) => (context.data as { n: number }).n * 10,
        broken: async () => {
          throw new Error('always');
        },
        parent: async (context) => (await context.childrenValues()) as number[],
      },
    });
    await runner.start();
    await runner.addFlow({
      id: 'p', name: 'parent', queue: 'indexing', data: {},
      children: [1, 2, 3].map((n) => ({ id: `c${n}`, name: 'child', queue: 'embedding' as const, data: { n } })),
    });
    await expect.poll(() => runner.state('indexing', 'p')).toBe('completed');
    await runner.addFlow({ id: 'q', name: 'parent', queue: 'indexing', data: {}, children: [{ id: 'b', name: 'broken', queue: 'embedding', data: {}, attempts: 2 }] });
    await expect.poll(() => runner.state('indexing', 'q')).toBe('failed');
    await runner.close();
  });

  it('close() waits for the job in flight to finish', async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const runner = new InProcessJobRunner({
      concurrency: single,
      processors: {
        slow: async () => {
          started();
          await new Promise((resolve) => setTimeout(resolve, 100));
          finished = true;
        },
      },
    });
    await runner.start();
    await runner.add({ id: 's', name: 'slow', queue: 'maintenance', data: {} });
    await running;
    await runner.close();
    expect(finished).toBe(true);
    expect(await runner.state('maintenance', 's')).toBe('completed');
  });

  it('schedules repeat on an interval', async () => {
    let runs = 0;
    const runner = new InProcessJobRunner({ concurrency: single, processors: { tick: async () => void runs++ } });
    await runner.start();
    await runner.schedule('ticker', { every: 1000 }, { name: 'tick', queue: 'maintenance', data: {} });
    await expect.poll(() => runs, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    await runner.close();
  });
});
