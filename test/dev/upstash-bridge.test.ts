import { Ratelimit } from '@upstash/ratelimit';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashBridge, type StartedUpstashBridge } from '../../dev/upstash-bridge/start-upstash-bridge.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const TOKEN = 'bridge-test-token-0123456789';
const prefix = `apfa-test:bridge:${Math.random().toString(36).slice(2)}:`;

describe('local Upstash REST bridge with the real Upstash clients', () => {
  let started: StartedUpstashBridge;
  let client: UpstashRedis;
  const direct = new Redis(REDIS_URL);

  beforeAll(async () => {
    started = await startUpstashBridge({ redisUrl: REDIS_URL, token: TOKEN });
    client = new UpstashRedis({ url: started.url, token: TOKEN, enableTelemetry: false });
  });
  afterAll(async () => {
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length > 0) await direct.del(...keys);
    await direct.quit();
    await started?.close();
  });

  it('round-trips strings, JSON, unicode and counters', async () => {
    expect(await client.set(`${prefix}s`, 'plain value')).toBe('OK');
    expect(await client.get(`${prefix}s`)).toBe('plain value');
    await client.set(`${prefix}json`, { advice: 'Compare offers [1]', score: 0.5, nested: { ok: true } });
    expect(await client.get(`${prefix}json`)).toEqual({ advice: 'Compare offers [1]', score: 0.5, nested: { ok: true } });
    await client.set(`${prefix}unicode`, 'préstamo — 住宅ローン 🏠');
    expect(await client.get(`${prefix}unicode`)).toBe('préstamo — 住宅ローン 🏠');
    expect(await client.incr(`${prefix}n`)).toBe(1);
    expect(await client.incrby(`${prefix}n`, 5)).toBe(6);
    expect(await client.get(`${prefix}missing`)).toBeNull();
    // The value really is in Redis, not in the bridge.
    expect(await direct.get(`${prefix}s`)).toBe('plain value');
  });

  it('supports expiry, hashes, mget and delete', async () => {
    await client.set(`${prefix}ttl`, 'x', { ex: 100 });
    const ttl = await client.ttl(`${prefix}ttl`);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    await client.hset(`${prefix}h`, { a: '1', b: 'two' });
    expect(await client.hgetall(`${prefix}h`)).toEqual({ a: 1, b: 'two' });
    expect(await client.mget(`${prefix}s`, `${prefix}missing`)).toEqual(['plain value', null]);
    expect(await client.del(`${prefix}ttl`)).toBe(1);
  });

  it('runs pipelines, transactions and auto-pipelined commands', async () => {
    const pipeline = client.pipeline();
    pipeline.set(`${prefix}p1`, 'one');
    pipeline.incr(`${prefix}p2`);
    pipeline.get(`${prefix}p1`);
    expect(await pipeline.exec()).toEqual(['OK', 1, 'one']);
    const tx = client.multi();
    tx.incr(`${prefix}t`);
    tx.incr(`${prefix}t`);
    expect(await tx.exec()).toEqual([1, 2]);
    const auto = new UpstashRedis({ url: started.url, token: TOKEN, enableAutoPipelining: true, enableTelemetry: false });
    const [a, b] = await Promise.all([auto.set(`${prefix}auto`, 'v'), auto.incr(`${prefix}auto-n`)]);
    expect(a).toBe('OK');
    expect(b).toBe(1);
    expect(await auto.get(`${prefix}auto`)).toBe('v');
  });

  it('refuses a wrong token, bad commands and dangerous commands without crashing', async () => {
    const wrong = new UpstashRedis({ url: started.url, token: 'wrong-token', enableTelemetry: false, retry: false });
    await expect(wrong.get(`${prefix}s`)).rejects.toThrow(/Unauthorized/);
    const raw = await fetch(started.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '["nosuchcommand","x"]' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: string }).error).toMatch(/ERR/);
    const flush = await fetch(started.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '["FLUSHALL"]' });
    expect(flush.status).toBe(400);
    const invalid = await fetch(`${started.url}/pipeline`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{not json' });
    expect(invalid.status).toBe(400);
    expect(await client.get(`${prefix}s`)).toBe('plain value');
  });

  it('runs only allowlisted commands: EVAL, EVALSHA, SCRIPT LOAD and FCALL cannot smuggle FLUSHALL or CONFIG SET', async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${started.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    await direct.set(`${prefix}canary`, 'still here');
    const flushScript = "return redis.call('FLUSHALL')";
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha1').update(flushScript).digest('hex');
    const refused: unknown[] = [
      ['EVAL', flushScript, 0],
      ['eval_ro', "return redis.call('CONFIG','SET','dir','/tmp')", 0],
      ['EVAL', `#!lua flags=no-writes\n${flushScript}`, 0],
      ['EVALSHA', sha, 0],
      ['SCRIPT', 'LOAD', flushScript],
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'LOAD', "#!lua name=x\nredis.register_function('f', function() return redis.call('FLUSHALL') end)"],
      ['FCALL', 'f', 0],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'GET', 'requirepass'],
      ['FLUSHDB'],
      ['KEYS', '*'],
      ['MODULE', 'LOAD', '/tmp/x.so'],
      ['ACL', 'SETUSER', 'x', 'on'],
      ['CLIENT', 'KILL', 'TYPE', 'normal'],
    ];
    for (const command of refused) {
      const single = await post('/', command);
      expect(single.status, JSON.stringify(command)).toBe(400);
      expect(JSON.stringify(single.body)).toMatch(/not allowed|not one of/);
      // Inside a pipeline or a transaction too: the whole batch is refused before anything runs.
      expect((await post('/pipeline', [['INCR', `${prefix}batch`], command])).status).toBe(400);
      expect((await post('/multi-exec', [['INCR', `${prefix}batch`], command])).status).toBe(400);
    }
    expect(await direct.get(`${prefix}canary`)).toBe('still here');
    expect(await direct.get(`${prefix}batch`)).toBeNull();
  });

  it('serves @upstash/ratelimit sliding windows, fixed windows and token buckets (Lua with shebang flags)', async () => {
    const sliding = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(10, '60 s'), prefix: `${prefix}rl-sliding`, ephemeralCache: false, analytics: false });
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await sliding.limit('user-1'));
    expect(results.slice(0, 10).every((r) => r.success)).toBe(true);
    const eleventh = results[10]!;
    expect(eleventh.success).toBe(false);
    expect(eleventh.remaining).toBe(0);
    expect(eleventh.reset).toBeGreaterThan(Date.now());
    expect((await sliding.limit('user-2')).success).toBe(true);

    const fixed = new Ratelimit({ redis: client, limiter: Ratelimit.fixedWindow(2, '60 s'), prefix: `${prefix}rl-fixed`, ephemeralCache: false, analytics: false });
    expect((await fixed.limit('u')).success).toBe(true);
    expect((await fixed.limit('u')).success).toBe(true);
    expect((await fixed.limit('u')).success).toBe(false);

    const bucket = new Ratelimit({ redis: client, limiter: Ratelimit.tokenBucket(1, '60 s', 2), prefix: `${prefix}rl-bucket`, ephemeralCache: false, analytics: false });
    expect((await bucket.limit('u')).success).toBe(true);
    expect((await bucket.limit('u')).success).toBe(true);
    expect((await bucket.limit('u')).success).toBe(false);

    expect(started.bridge.lua.strippedCount).toBeGreaterThan(0);
  });
});
