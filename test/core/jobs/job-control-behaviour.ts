import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createJobRunner, type ConfiguredJobRunner } from '../../../core/jobs/create-job-runner.ts';
import { whenIdle } from '../../../core/jobs/when-idle.ts';
import type { QueueName } from '../../../shared/contracts/jobs.ts';
import type { JobAdministration } from '../../../core/ports/job-admin.ts';
import type { AnyJobSpec } from '../../../core/ports/job-spec.ts';
import type { ProcessorContext, Processors, RunnerEvent } from '../../../core/ports/job-workers.ts';
import { removeRedisKeys, SHARED_REDIS_URL } from './job-system-harness.ts';
import type { RunnerKind } from './job-system-behaviour.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Behaviour = 'ok' | 'hold' | 'flaky';

/**
 * The admin operations of the runner ports (list, get, cancel, retry, pause/resume, clean,
 * workers), asserted the same way for BullMQ on real Redis and for the in-process runner, both
 * made by createJobRunner. Real job names pick the queue (cleanup: maintenance, ingest:
 * embedding, publish: indexing); what a job does in the test is chosen by its id.
 */
export function describeJobControlBehaviour(kind: RunnerKind): void {
  describe(`job control (${kind} runner)`, () => {
    let configured: ConfiguredJobRunner;
    let runner: ConfiguredJobRunner['runner'];
    let prefix: string;
    let events: RunnerEvent[];
    let gate: { open: () => void; opened: Promise<void> };
    let flaky: Map<string, number>;
    let behaviours: Map<string, Behaviour>;
    let sent: Map<string, AnyJobSpec['data']>;
    let logged: Array<{ level: number; msg: string; err?: { message: string } }>;

    const newGate = () => {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const behave = async (context: ProcessorContext) => {
      const behaviour = behaviours.get(context.id);
      if (behaviour === 'ok') {
        await context.progress({ step: 'half', done: 1 });
        return { echoed: context.data };
      }
      if (behaviour === 'hold') {
        await gate.opened;
        return 'released';
      }
      // flaky: fails the first time it runs for a job id, then succeeds.
      const runs = (flaky.get(context.id) ?? 0) + 1;
      flaky.set(context.id, runs);
      if (runs === 1) throw new Error('first run fails');
      return { runs };
    };
    const processors: Processors = {
      ingest: behave,
      'embed-batch': behave,
      'build-index': behave,
      publish: behave,
      cleanup: behave,
      stats: behave,
    };
    let keep = 0;
    const job = (id: string, behaviour: Behaviour, options: { queue?: QueueName; attempts?: number; backoffMs?: number } = {}): AnyJobSpec => {
      behaviours.set(id, behaviour);
      const retry = { attempts: options.attempts ?? 1, ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }) };
      const queue = options.queue ?? 'maintenance';
      const spec: AnyJobSpec =
        queue === 'maintenance'
          ? { id, name: 'cleanup', data: { keep: keep++ }, ...retry }
          : queue === 'embedding'
            ? { id, name: 'ingest', data: { source: id }, ...retry }
            : { id, name: 'publish', data: {}, ...retry };
      sent.set(id, spec.data);
      return spec;
    };
    const stateOf = (id: string, queue: QueueName = 'maintenance') => () => runner.state(queue, id);

    beforeEach(async () => {
      events = [];
      gate = newGate();
      flaky = new Map();
      behaviours = new Map();
      sent = new Map();
      prefix = `test:${randomBytes(6).toString('hex')}:`;
      const concurrency = { embedding: 1, indexing: 1, maintenance: 1 };
      logged = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
      configured = createJobRunner({ redis: kind === 'bullmq' ? SHARED_REDIS_URL : null, prefix, settings: { concurrency }, logger, role: 'all' });
      runner = configured.runner;
      runner.subscribe((event) => events.push(event));
    });
    afterEach(async () => {
      gate.open();
      await configured.close({ force: true });
      if (kind === 'bullmq') await removeRedisKeys(SHARED_REDIS_URL, prefix);
    });

    it('lists jobs newest first, filtered by queue, state and creation time, in pages that never overlap', async () => {
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        ids.push(await runner.add(job(`list.${index}`, 'ok')));
        await sleep(5);
      }
      await runner.add(job('other-queue', 'ok', { queue: 'embedding' }));

      const all = await runner.list({ queues: ['maintenance'], limit: 50 });
      expect(all.items.map((item) => item.id)).toEqual([...ids].reverse());
      expect(all.next).toBeNull();
      expect(all.items[0]).toMatchObject({ name: 'cleanup', queue: 'maintenance', state: 'waiting', data: sent.get('list.4'), attemptsMade: 0, attempts: 1, parent: null, result: null });

      const seen: string[] = [];
      let after = undefined as Awaited<ReturnType<JobAdministration['list']>>['next'] | undefined;
      let pages = 0;
      do {
        const page = await runner.list({ queues: ['maintenance'], limit: 2, ...(after ? { after } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        after = page.next;
        pages++;
      } while (after);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids].reverse());

      expect((await runner.list({ limit: 50 })).items).toHaveLength(6);
      expect((await runner.list({ queues: ['embedding'], limit: 50 })).items.map((item) => item.id)).toEqual(['other-queue']);
      expect((await runner.list({ states: ['completed'], limit: 50 })).items).toEqual([]);

      const third = all.items.find((item) => item.id === 'list.2')!;
      const since = await runner.list({ queues: ['maintenance'], from: third.createdAt, limit: 50 });
      expect(since.items.map((item) => item.id)).toEqual(['list.4', 'list.3', 'list.2']);
      const before = await runner.list({ queues: ['maintenance'], to: third.createdAt, limit: 50 });
      expect(before.items.map((item) => item.id)).toEqual(['list.1', 'list.0']);
    });

    it('shows a finished job with its progress, result and times', async () => {
      await runner.add(job('detail', 'ok'));
      expect(await runner.get('maintenance', 'missing')).toBeNull();
      expect(await runner.get('embedding', 'detail')).toBeNull();
      await runner.start(processors);
      await expect.poll(stateOf('detail')).toBe('completed');
      const detail = await runner.get('maintenance', 'detail');
      expect(detail).toMatchObject({ id: 'detail', state: 'completed', progress: { step: 'half', done: 1 }, result: { echoed: sent.get('detail') }, failedReason: null });
      expect(detail!.processedAt).toBeGreaterThanOrEqual(detail!.createdAt);
      expect(detail!.finishedAt).toBeGreaterThanOrEqual(detail!.processedAt!);
      expect((await runner.list({ states: ['completed'], limit: 10 })).items.map((item) => item.id)).toEqual(['detail']);
    });

    it('cancels waiting and delayed jobs, and refuses running, finished and flow-child jobs', async () => {
      await runner.add(job('waiting', 'ok', { queue: 'indexing' }));
      expect(await runner.cancel('indexing', 'waiting')).toEqual({ outcome: 'removed', state: 'waiting' });
      expect(await runner.get('indexing', 'waiting')).toBeNull();
      expect(await runner.cancel('indexing', 'waiting')).toEqual({ outcome: 'not-found' });

      await runner.start(processors);
      await runner.add(job('held', 'hold'));
      await expect.poll(stateOf('held')).toBe('active');
      expect(await runner.cancel('maintenance', 'held')).toEqual({ outcome: 'active' });

      // A failed attempt waiting out a long backoff is delayed; cancelling it stops the retry.
      await runner.add(job('backoff', 'flaky', { queue: 'embedding', attempts: 3, backoffMs: 60_000 }));
      await expect.poll(stateOf('backoff', 'embedding')).toBe('delayed');
      expect(await runner.cancel('embedding', 'backoff')).toEqual({ outcome: 'removed', state: 'delayed' });
      expect(await runner.state('embedding', 'backoff')).toBeNull();

      gate.open();
      await expect.poll(stateOf('held')).toBe('completed');
      expect(await runner.cancel('maintenance', 'held')).toEqual({ outcome: 'finished', state: 'completed' });
    });

    it('cancels a flow from its root (children with it) but not from a child, nor while a child runs', async () => {
      await runner.pause('embedding');
      await runner.start(processors);
      await runner.addFlow({ ...job('root', 'ok', { queue: 'indexing' }), children: [job('child', 'ok', { queue: 'embedding' })] });
      expect(await runner.state('indexing', 'root')).toBe('waiting-children');
      expect(await runner.cancel('embedding', 'child')).toEqual({ outcome: 'in-flow', parent: { queue: 'indexing', id: 'root' } });
      expect((await runner.get('embedding', 'child'))?.parent).toEqual({ queue: 'indexing', id: 'root' });
      expect(await runner.cancel('indexing', 'root')).toEqual({ outcome: 'removed', state: 'waiting-children' });
      expect(await runner.get('embedding', 'child')).toBeNull();

      await runner.resume('embedding');
      await runner.addFlow({ ...job('busy-root', 'ok', { queue: 'indexing' }), children: [job('busy-child', 'hold', { queue: 'embedding' })] });
      await expect.poll(stateOf('busy-child', 'embedding')).toBe('active');
      expect(await runner.cancel('indexing', 'busy-root')).toEqual({ outcome: 'active' });
      gate.open();
      await expect.poll(stateOf('busy-root', 'indexing')).toBe('completed');
    });

    it('retries a failed job with its attempts reset, and refuses jobs that did not fail', async () => {
      await runner.start(processors);
      await runner.add(job('retry-me', 'flaky'));
      await expect.poll(stateOf('retry-me')).toBe('failed');
      const failed = await runner.get('maintenance', 'retry-me');
      expect(failed).toMatchObject({ state: 'failed', attemptsMade: 1, failedReason: 'first run fails' });

      expect(await runner.retry('maintenance', 'retry-me')).toEqual({ outcome: 'retried' });
      await expect.poll(stateOf('retry-me')).toBe('completed');
      expect(await runner.get('maintenance', 'retry-me')).toMatchObject({ result: { runs: 2 }, failedReason: null });
      expect(await runner.retry('maintenance', 'retry-me')).toEqual({ outcome: 'not-failed', state: 'completed' });
      expect(await runner.retry('maintenance', 'nobody')).toEqual({ outcome: 'not-found' });
    });

    it('pauses and resumes one queue; the others keep running', async () => {
      await runner.pause('maintenance');
      expect(await runner.isPaused('maintenance')).toBe(true);
      expect(await runner.isPaused('embedding')).toBe(false);
      await runner.start(processors);
      await runner.add(job('held.back', 'ok'));
      await runner.add(job('unpaused', 'ok', { queue: 'embedding' }));
      await expect.poll(stateOf('unpaused', 'embedding')).toBe('completed');
      await sleep(200);
      expect(await runner.state('maintenance', 'held.back')).toBe('waiting');
      await runner.resume('maintenance');
      expect(await runner.isPaused('maintenance')).toBe(false);
      await expect.poll(stateOf('held.back')).toBe('completed');
    });

    it('cleans finished jobs older than the grace period, at most `limit` at a time', async () => {
      await runner.start(processors);
      for (const id of ['clean.0', 'clean.1', 'clean.2']) await runner.add(job(id, 'ok'));
      await runner.add(job('clean.failed', 'flaky'));
      await expect.poll(async () => (await runner.list({ queues: ['maintenance'], states: ['completed'], limit: 10 })).items.length).toBe(3);
      await expect.poll(stateOf('clean.failed')).toBe('failed');

      expect(await runner.clean('maintenance', { state: 'completed', olderThanMs: 3_600_000, limit: 10 })).toEqual([]);
      await sleep(20);
      const first = await runner.clean('maintenance', { state: 'completed', olderThanMs: 10, limit: 2 });
      expect(first).toHaveLength(2);
      const second = await runner.clean('maintenance', { state: 'completed', olderThanMs: 10, limit: 2 });
      expect([...first, ...second].sort()).toEqual(['clean.0', 'clean.1', 'clean.2']);
      expect((await runner.list({ queues: ['maintenance'], states: ['completed'], limit: 10 })).items).toEqual([]);
      expect(await runner.state('maintenance', 'clean.failed')).toBe('failed');
      expect(await runner.clean('maintenance', { state: 'failed', olderThanMs: 0, limit: 10 })).toEqual(['clean.failed']);
    });

    it('reports the workers alive on every queue once started', async () => {
      expect(await runner.workers()).toEqual([]);
      await runner.start(processors);
      const workers = await runner.workers();
      expect(workers.map((worker) => worker.queue).sort()).toEqual(['embedding', 'indexing', 'maintenance']);
      for (const worker of workers) {
        expect(worker.name).toContain(String(process.pid));
        expect(worker.ageSeconds).toBeGreaterThanOrEqual(0);
        if (kind === 'bullmq') expect(worker.address).toMatch(/^127\.0\.0\.1:\d+$/);
        else expect(worker.address).toBeNull();
      }
    });

    it('logs a listener that throws, and the other listeners still hear the event', async () => {
      runner.subscribe(() => {
        throw new Error('listener broke');
      });
      const heard: RunnerEvent[] = [];
      runner.subscribe((event) => heard.push(event));
      await runner.start(processors);
      await runner.add(job('noisy', 'ok'));
      await expect.poll(() => heard.some((event) => event.type === 'completed' && event.jobId === 'noisy')).toBe(true);
      expect(events.some((event) => event.type === 'completed' && event.jobId === 'noisy')).toBe(true);
      expect(logged.filter((entry) => entry.msg === 'job event listener failed').map((entry) => entry.err?.message)).toContain('listener broke');
    });

    it('whenIdle resolves at once with nothing queued, and once the last job of a flow finishes or fails', async () => {
      await whenIdle(runner);
      await runner.start(processors);
      await runner.addFlow({ ...job('idle-root', 'ok', { queue: 'indexing' }), children: [job('idle-child', 'hold', { queue: 'embedding' })] });
      await runner.add(job('idle-retry', 'flaky', { attempts: 2, backoffMs: 50 }));
      let idle = false;
      const waiting = whenIdle(runner).then(() => (idle = true));
      await expect.poll(stateOf('idle-retry')).toBe('completed');
      await sleep(100);
      expect(idle).toBe(false);
      gate.open();
      await waiting;
      expect(await runner.state('indexing', 'idle-root')).toBe('completed');

      // A failure for good ends the wait as well.
      await runner.add(job('idle-fails', 'flaky'));
      await whenIdle(runner);
      expect(await runner.state('maintenance', 'idle-fails')).toBe('failed');
    });
  });
}
