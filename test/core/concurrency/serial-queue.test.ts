import { describe, expect, it } from 'vitest';
import { createSerialQueue } from '../../../core/concurrency/serial-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createSerialQueue', () => {
  it('runs tasks one at a time, in the order they were handed in', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all([queue.run(task('a')), queue.run(task('b')), queue.run(task('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('rejects only the failing task; the next one still runs', async () => {
    const queue = createSerialQueue();
    const failing = queue.run(async () => {
      await tick();
      throw new Error('boom');
    });
    const next = queue.run(async () => 'still runs');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('still runs');
  });
});
