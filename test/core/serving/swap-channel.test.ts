import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { subscribeToIndexSwaps, type SwapChannel, type SwapOutcome } from '../../../core/serving/swap-channel.ts';
import { SHARED_REDIS_URL, silentLogger, startOwnRedis } from '../jobs/job-system-harness.ts';

const version = (n: number) => n.toString(16).padStart(16, '0');

describe('index swap channel (Redis pub/sub)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function subscribe(url: string, options: { activate: (version: string) => Promise<void>; latest?: () => Promise<string | null> }) {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const redis = new Redis(url);
    redis.on('error', () => {});
    const publisher = new Redis(url);
    publisher.on('error', () => {});
    let current: string | null = null;
    const outcomes: SwapOutcome[] = [];
    const channel: SwapChannel = await subscribeToIndexSwaps({
      redis,
      prefix,
      activate: async (next) => {
        await options.activate(next);
        current = next;
      },
      current: () => current,
      latest: options.latest,
      onOutcome: (outcome) => outcomes.push(outcome),
      logger: silentLogger,
    });
    cleanups.push(async () => {
      await channel.close();
      redis.disconnect();
      publisher.disconnect();
    });
    const publish = (message: string) => publisher.publish(`${prefix}index:swap`, message);
    return { channel, publish, outcomes, current: () => current };
  }

  it('swaps one at a time; a newer message while loading supersedes the waiting one', async () => {
    const activated: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const { channel, publish, current } = await subscribe(SHARED_REDIS_URL, {
      activate: async (next) => {
        activated.push(next);
        if (next === version(1)) await firstHeld;
      },
    });
    await publish(JSON.stringify({ version: version(1), previous: null, at: new Date().toISOString() }));
    await expect.poll(() => activated).toEqual([version(1)]);
    await publish(version(2));
    await publish(JSON.stringify({ version: version(3), previous: version(1), at: new Date().toISOString() }));
    await publish('not a version');
    // Let the messages arrive while version 1 is still loading.
    await publish(version(3)).then(() => new Promise((resolve) => setTimeout(resolve, 50)));
    releaseFirst();
    await expect.poll(() => current()).toBe(version(3));
    await channel.idle();
    expect(activated).toEqual([version(1), version(3)]);
  });

  it('a failed load keeps the current version and is reported', async () => {
    const { channel, publish, outcomes, current } = await subscribe(SHARED_REDIS_URL, {
      activate: async (next) => {
        if (next === version(9)) throw new Error('checksum mismatch');
      },
    });
    await publish(version(8));
    await expect.poll(() => current()).toBe(version(8));
    await publish(version(9));
    await expect.poll(() => outcomes.length).toBe(2);
    await channel.idle();
    expect(current()).toBe(version(8));
    expect(outcomes[1]).toMatchObject({ version: version(9), ok: false });
  });

  it('after Redis comes back it resubscribes and catches up on the version published meanwhile', async () => {
    const server = await startOwnRedis();
    const servers = [server];
    cleanups.push(async () => {
      for (const running of servers) await running.stop();
      await rm(server.dir, { recursive: true, force: true });
    });
    let latest: string | null = null;
    const { publish, current } = await subscribe(server.url, { activate: async () => {}, latest: async () => latest });
    await publish(version(1));
    await expect.poll(() => current()).toBe(version(1));

    await server.stop('SIGKILL');
    latest = version(2); // published while the subscriber could not hear it
    servers.push(await startOwnRedis({ port: server.port, dir: server.dir }));
    await expect.poll(() => current(), { timeout: 15_000 }).toBe(version(2));
    await publish(version(3));
    await expect.poll(() => current(), { timeout: 15_000 }).toBe(version(3));
  });
});
