import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { jsonPost, readProblem } from '../support/edge-app-harness.ts';
import { startFakeCore, type FakeCore } from '../support/edge-fake-core.ts';
import { startEdge, type StartedEdge } from '../support/edge-miniflare.ts';
import { createTestSigner, type TestSigner } from '../support/edge-tokens.ts';
import { startEdgeUpstash, type EdgeUpstash } from '../support/edge-upstash.ts';

const COOLDOWN_MS = 1_000; // the edge's default JWKS_COOLDOWN_MS
const CACHE_MAX_AGE_MS = 4_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signing-key rotation as the edge Worker sees it in workerd: core's JWKS goes from one key to the
 * new key plus the previous one (the overlap), and later drops the previous one. Verification uses
 * the bundle's real remote JWKS (jose createRemoteJWKSet) against the fake core's JWKS endpoint.
 */
describe('edge Worker in workerd across a signing-key rotation', () => {
  let upstash: EdgeUpstash;
  let previous: TestSigner;
  let current: TestSigner;
  let stranger: TestSigner;
  let core: FakeCore;
  let edge: StartedEdge;

  beforeAll(async () => {
    [previous, current, stranger] = await Promise.all([createTestSigner('key-before'), createTestSigner('key-after'), createTestSigner('key-never-published')]);
    core = await startFakeCore({ jwks: previous.jwks });
    upstash = await startEdgeUpstash();
    const prefix = upstash.uniquePrefix('rotation');
    await upstash.redis.set(liveIndexVersionKey(prefix), core.indexVersion);
    edge = await startEdge({
      bindings: {
        CORE_URL: core.url,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        KEY_PREFIX: prefix,
        RATE_LIMIT_REQUESTS: '100',
        // JWKS_COOLDOWN_MS is left at its default: the point is that the default works.
        JWKS_CACHE_MAX_AGE_MS: String(CACHE_MAX_AGE_MS),
      },
    });
  });
  afterAll(async () => {
    await edge?.dispose();
    await upstash?.close();
    await core?.close();
  });

  const ask = async (signer: TestSigner, path = '/v1/advice') => {
    const response = await edge.dispatch(path, jsonPost({ query: 'Which loan types allow a low down payment?' }, { authorization: `Bearer ${await signer.mint({ sub: 'rotating-user' })}` }));
    return response;
  };

  it('accepts the new key at once after a rotation, keeps accepting the previous key during the overlap, refuses unknown kids, and drops the previous key once it leaves the JWKS', async () => {
    const before = await ask(previous);
    expect(before.status, await before.clone().text()).toBe(200);
    await before.arrayBuffer();
    expect(core.jwksFetches).toBe(1);

    // Some time passes in service; then core rotates: JWKS = [new current key, previous key].
    await sleep(COOLDOWN_MS + 100);
    core.jwks = { keys: [...current.jwks.keys, ...previous.jwks.keys] };

    // jose's default 30 s cooldown would refuse this token for up to 30 s after the last fetch.
    const afterRotation = await ask(current, '/v1/advice/stream');
    expect(afterRotation.status, await afterRotation.clone().text()).toBe(200);
    await afterRotation.arrayBuffer();
    expect(core.jwksFetches).toBe(2);

    const overlap = await ask(previous);
    expect(overlap.status).toBe(200);
    await overlap.arrayBuffer();
    expect(core.jwksFetches).toBe(2);

    // A kid in no published set: refused with a 401 problem; within the cooldown, without another fetch.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const unknown = await ask(stranger);
      expect(unknown.status).toBe(401);
      const problem = await readProblem(unknown);
      expect(problem).toMatchObject({ type: '/problems/unauthorized', detail: 'The access token was signed by an unknown key.' });
      expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    expect(core.jwksFetches).toBe(2);

    // After the cooldown the unknown kid makes the edge look again; the refreshed set lacks it too.
    await sleep(COOLDOWN_MS + 100);
    const stillUnknown = await ask(stranger);
    expect(stillUnknown.status).toBe(401);
    expect((await readProblem(stillUnknown)).type).toBe('/problems/unauthorized');
    expect(core.jwksFetches).toBe(3);

    // The overlap ends: core publishes only the current key. Once the cached set is older than
    // JWKS_CACHE_MAX_AGE_MS the edge refetches, and the previous key stops verifying.
    core.jwks = current.jwks;
    await sleep(CACHE_MAX_AGE_MS + 200);
    const afterOverlap = await ask(previous);
    expect(afterOverlap.status).toBe(401);
    expect((await readProblem(afterOverlap)).detail).toBe('The access token was signed by an unknown key.');
    const stillCurrent = await ask(current);
    expect(stillCurrent.status).toBe(200);
    await stillCurrent.arrayBuffer();
  });
});
