import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signServiceRequest } from '../../../shared/auth/service-signature.ts';
import { createErrorHandler } from '../../../shared/http/error-handler.ts';
import { parseCoreConfig } from '../../../core/config.ts';
import { requireEdgeSignature } from '../../../core/http/edge-signature.ts';
import { createMemoryNonceStore, createRedisNonceStore, type NonceStore } from '../../../core/http/signature-nonces.ts';

const SECRET = 'edge-shared-secret-for-tests-0123456789';
const REDIS_URL = 'redis://127.0.0.1:6379';
const body = JSON.stringify({ query: 'What is PMI?' });
const alice = 'Bearer token-of-alice';

let redis: Redis;
const prefix = `test:edge-signature:${randomBytes(6).toString('hex')}:`;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const stores: Array<[string, () => NonceStore]> = [
  ['memory', () => createMemoryNonceStore()],
  ['redis', () => createRedisNonceStore(redis, prefix)],
];

describe.each(stores)('edge signature at core, nonces in %s', (_name, makeStore) => {
  let clock = Date.now();
  const refusals: string[] = [];
  const app = new Hono();
  app.onError(createErrorHandler());
  beforeAll(() => {
    app.use('/v1/*', requireEdgeSignature({ secret: SECRET, nonces: makeStore(), now: () => clock, onRefused: (reason) => refusals.push(reason) }));
    app.post('/v1/advice', (c) => c.json({ ok: true }));
  });

  const sign = (options: { path?: string; authorization?: string; timestamp?: number } = {}) =>
    signServiceRequest({
      secret: SECRET,
      method: 'POST',
      path: options.path ?? '/v1/advice',
      body,
      authorization: options.authorization ?? alice,
      timestamp: options.timestamp ?? Math.floor(clock / 1000),
    });
  const send = (signature: Record<string, string>, options: { path?: string; authorization?: string } = {}) =>
    app.request(options.path ?? '/v1/advice', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: options.authorization ?? alice, ...signature },
      body,
    });
  const expectRefused = async (response: Response, reason: string) => {
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('bad-signature');
    expect(refusals.at(-1)).toBe(reason);
  };

  it('serves a signed request once; the same request again (30 times) is refused', async () => {
    const signature = await sign();
    expect((await send(signature)).status).toBe(200);
    for (let i = 0; i < 30; i++) await expectRefused(await send(signature), 'nonce already used');
  });

  it('refuses the signed request with a query string appended', async () => {
    const signature = await sign();
    await expectRefused(await send(signature, { path: '/v1/advice?debug=1' }), 'signature mismatch');
    // A request signed with its query is served.
    expect((await send(await sign({ path: '/v1/advice?debug=1' }), { path: '/v1/advice?debug=1' })).status).toBe(200);
  });

  it("refuses the signature with another caller's Authorization header, or none", async () => {
    const signature = await sign();
    await expectRefused(await send(signature, { authorization: 'Bearer token-of-mallory' }), 'signature mismatch');
    const unsigned = await app.request('/v1/advice', { method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body });
    expect(unsigned.status).toBe(401);
  });

  it('refuses a timestamp more than 30 s off either way (the old 59 s skew), accepts 30 s', async () => {
    const now = Math.floor(clock / 1000);
    await expectRefused(await send(await sign({ timestamp: now - 59 })), 'timestamp outside the allowed window');
    await expectRefused(await send(await sign({ timestamp: now - 31 })), 'timestamp outside the allowed window');
    await expectRefused(await send(await sign({ timestamp: now + 31 })), 'timestamp outside the allowed window');
    expect((await send(await sign({ timestamp: now - 30 }))).status).toBe(200);
    expect((await send(await sign({ timestamp: now + 30 }))).status).toBe(200);
  });

  it('remembers a nonce for as long as its timestamp is accepted', async () => {
    const signature = await sign();
    expect((await send(signature)).status).toBe(200);
    clock += 30_000;
    await expectRefused(await send(signature), 'nonce already used');
    clock += 1_000;
    await expectRefused(await send(signature), 'timestamp outside the allowed window');
  });

  it('refuses version 1 signatures (no nonce, no query, no Authorization)', async () => {
    const signature = await sign();
    await expectRefused(await send({ ...signature, 'x-apfa-signature': signature['x-apfa-signature']!.replace('v2=', 'v1=') }), 'unsupported signature version');
    const { 'x-apfa-nonce': _nonce, ...withoutNonce } = signature;
    await expectRefused(await send(withoutNonce), 'missing signature headers');
  });
});

describe('memory nonce store', () => {
  it('forgets a nonce once expired and refuses new ones when full of live ones (fail closed)', async () => {
    let now = 0;
    const store = createMemoryNonceStore({ maxEntries: 2, now: () => now });
    expect(await store.claim('a', 31)).toBe(true);
    expect(await store.claim('a', 31)).toBe(false);
    expect(await store.claim('b', 31)).toBe(true);
    expect(await store.claim('c', 31)).toBe(false);
    now = 31_000;
    expect(await store.claim('c', 31)).toBe(true);
    expect(await store.claim('a', 31)).toBe(true);
  });
});

describe('REQUIRE_EDGE_SIGNATURE default', () => {
  it('is off for the embedded single process and on with REDIS_URL, which then needs EDGE_SHARED_SECRET', () => {
    expect(parseCoreConfig({}).REQUIRE_EDGE_SIGNATURE).toBe(false);
    expect(() => parseCoreConfig({ REDIS_URL })).toThrow(/EDGE_SHARED_SECRET is needed/);
    expect(parseCoreConfig({ REDIS_URL, EDGE_SHARED_SECRET: SECRET }).REQUIRE_EDGE_SIGNATURE).toBe(true);
    expect(parseCoreConfig({ REDIS_URL, REQUIRE_EDGE_SIGNATURE: 'false' }).REQUIRE_EDGE_SIGNATURE).toBe(false);
    expect(parseCoreConfig({ EDGE_SHARED_SECRET: SECRET, REQUIRE_EDGE_SIGNATURE: 'true' }).REQUIRE_EDGE_SIGNATURE).toBe(true);
  });
});
