import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyServiceSignature } from '../../shared/auth/service-signature.ts';
import { adviceCacheKey, liveIndexVersionKey } from '../../shared/cache/advice-cache-key.ts';
import { AdviceRequestSchema, AdviceResponseSchema, MAX_BODY_BYTES } from '../../shared/contracts/advice.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../shared/contracts/auth.ts';
import { toHonoExecutionContext } from '../../edge/http/execution-context.ts';
import { createEdgeAppHarness, jsonPost, parseEventStream, readProblem } from '../support/edge-app-harness.ts';
import { adviceTokens, closedPortUrl, type FakeCore } from '../support/edge-fake-core.ts';
import { tamperedToken, unsignedToken, type TestSigner } from '../support/edge-tokens.ts';
import { useEdgeServices } from '../support/edge-services.ts';
import type { EdgeUpstash } from '../support/edge-upstash.ts';

const SHARED_SECRET = 'edge-test-shared-secret-0123456789';

describe('edge app (app.request, real Upstash bridge over Redis, recording core)', () => {
  let upstash: EdgeUpstash;
  let signer: TestSigner;
  let core: FakeCore;

  const bindingsFor = (label: string, extra: Record<string, string> = {}) => ({
    CORE_URL: core.url,
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    KEY_PREFIX: upstash.uniquePrefix(label),
    RATE_LIMIT_REQUESTS: '10',
    ...extra,
  });
  const bearer = async (sub?: string) => ({ authorization: `Bearer ${await signer.mint(sub ? { sub } : {})}` });
  const question = (topic: string) => ({ query: `What mortgage options fit a buyer with ${topic}?`, profile: { creditScore: 640, loanAmount: 250_000 } });

  useEdgeServices((services) => ({ signer, core, upstash } = services), { resetCoreEachTest: true });

  it('answers /health, publishes /openapi.json, puts x-request-id on every response and 404s as a problem', async () => {
    const edge = createEdgeAppHarness(bindingsFor('meta'));
    const health = await edge.request('/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // The edge is the public entry: a client's x-request-id is replaced, never passed on or stored.
    for (const sent of ['trace-abc.123', '0b8f6f0e-8d7e-4a59-9b43-4f3f4a3f1b2c', 'x'.repeat(5000)]) {
      const replaced = await edge.request('/health', { headers: { 'x-request-id': sent } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(replaced.headers.get('x-request-id')).not.toBe(sent);
    }

    const doc = (await (await edge.request('/openapi.json')).json()) as { info: { title: string }; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.info.title).toBe('APFA edge');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/v1/advice', '/v1/advice/stream', '/v1/auth/token']));
    expect(doc.paths['/v1/advice/stream']).toMatchObject({ post: { responses: { 200: { content: { 'text/event-stream': {} } } } } });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['AdviceRequest', 'AdviceResponse', 'Problem']));
    // Complete like core's (test/core/http/openapi-conformance.test.ts): servers, described tags, ids, descriptions, body limits.
    const complete = doc as unknown as { servers: unknown[]; tags: Array<{ name: string; description: string }>; paths: Record<string, Record<string, { operationId: string; description: string; tags: string[]; requestBody?: Record<string, unknown>; responses: Record<string, unknown> }>> };
    expect(complete.servers.length).toBeGreaterThan(0);
    const operations = Object.values(complete.paths).flatMap((item) => Object.values(item));
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length);
    for (const operation of operations) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(operation.description.length).toBeGreaterThan(20);
      for (const tag of operation.tags) expect(complete.tags.find((candidate) => candidate.name === tag)?.description).toBeTruthy();
      if (operation.requestBody) expect([operation.requestBody['x-max-body-bytes'], Boolean(operation.responses['413'])]).toEqual([4096, true]);
    }

    const missing = await edge.request('/nope');
    expect(missing.status).toBe(404);
    expect((await readProblem(missing)).type).toBe('/problems/not-found');
    expect(missing.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers a MISS from core, then a HIT from the cache without calling core again', async () => {
    const bindings = bindingsFor('hit');
    await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
    const edge = createEdgeAppHarness(bindings);
    const headers = { ...(await bearer()), 'x-request-id': 'req-miss-1' };

    const miss = await edge.request('/v1/advice', jsonPost(question('a 640 score'), headers));
    expect(miss.status, await miss.clone().text()).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const missId = miss.headers.get('x-request-id');
    expect(missId).toMatch(/^[0-9a-f-]{36}$/);
    const first = AdviceResponseSchema.parse(await miss.json());
    expect(first.cached).toBe(false);

    const [call] = core.callsTo('/v1/advice');
    expect(core.callsTo('/v1/advice')).toHaveLength(1);
    expect(call?.headers.authorization).toBe(headers.authorization);
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers['x-request-id']).toBe(missId);
    expect(call?.body).toBe(JSON.stringify(question('a 640 score')));
    const unsigned = await verifyServiceSignature({ secret: SHARED_SECRET, headers: new Headers(call?.headers), method: 'POST', path: '/v1/advice', body: call?.body ?? '' });
    expect(unsigned.ok).toBe(false);

    const parsed = AdviceRequestSchema.parse(question('a 640 score'));
    const key = await adviceCacheKey({ prefix: bindings.KEY_PREFIX, indexVersion: core.indexVersion, query: parsed.query, profile: parsed.profile });
    expect(await upstash.redis.ttl(key)).toBeGreaterThan(590);

    const hit = await edge.request('/v1/advice', jsonPost(question('a 640 score'), await bearer()));
    expect(hit.status).toBe(200);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const second = AdviceResponseSchema.parse(await hit.json());
    expect(second).toEqual({ ...first, cached: true });
    expect(core.callsTo('/v1/advice')).toHaveLength(1);

    expect(await upstash.redis.get(`${bindings.KEY_PREFIX}metrics:edge_cache:hit`)).toBe('1');
    expect(await upstash.redis.get(`${bindings.KEY_PREFIX}metrics:edge_cache:miss`)).toBe('1');
  });

  it('keys the cache by the live index version: a new version misses', async () => {
    const bindings = bindingsFor('version', { LIVE_VERSION_CACHE_MS: '0' });
    await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
    const edge = createEdgeAppHarness(bindings);
    expect((await edge.request('/v1/advice', jsonPost(question('versions'), await bearer()))).headers.get('x-cache')).toBe('MISS');
    expect((await edge.request('/v1/advice', jsonPost(question('versions'), await bearer()))).headers.get('x-cache')).toBe('HIT');
    await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), 'fedcba9876543210');
    expect((await edge.request('/v1/advice', jsonPost(question('versions'), await bearer()))).headers.get('x-cache')).toBe('MISS');
    expect(core.callsTo('/v1/advice')).toHaveLength(2);
  });

  it('returns 429 with Retry-After and RateLimit-* on the 11th request in a window', async () => {
    // A long window: a window boundary crossed mid-test would let the sliding window's weighted
    // previous count round down and admit one request more.
    const edge = createEdgeAppHarness(bindingsFor('limit', { RATE_LIMIT_WINDOW: '1 h' }));
    const headers = await bearer('rate-limited-user');
    for (let index = 1; index <= 10; index += 1) {
      const response = await edge.request('/v1/advice', jsonPost(question('rate limits'), headers));
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('10');
      expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - index));
    }
    const limited = await edge.request('/v1/advice', jsonPost(question('rate limits'), headers));
    expect(limited.status).toBe(429);
    const problem = await readProblem(limited);
    expect(problem.type).toBe('/problems/rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(limited.headers.get('ratelimit-limit')).toBe('10');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-request-id')).toBeTruthy();

    // Another user has their own bucket.
    expect((await edge.request('/v1/advice', jsonPost(question('rate limits'), await bearer('someone-else')))).status).toBe(200);
  });

  it.each([
    ['missing', async () => ({})],
    ['not a bearer scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['garbage', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ['expired', async (s: TestSigner) => ({ authorization: `Bearer ${await s.mint({ expiresIn: -120 })}` })],
    ['tampered', async (s: TestSigner) => ({ authorization: `Bearer ${tamperedToken(await s.mint())}` })],
    ['wrong audience', async (s: TestSigner) => ({ authorization: `Bearer ${await s.mint({ audience: 'someone-else' })}` })],
    ['wrong issuer', async (s: TestSigner) => ({ authorization: `Bearer ${await s.mint({ issuer: 'evil' })}` })],
    ['alg none', async () => ({ authorization: `Bearer ${unsignedToken()}` })],
  ])('refuses a %s token with a 401 problem, before core', async (_name, headersFor) => {
    const edge = createEdgeAppHarness(bindingsFor('tokens'));
    const response = await edge.request('/v1/advice', jsonPost(question('tokens'), await headersFor(signer)));
    expect(response.status).toBe(401);
    expect((await readProblem(response)).type).toBe('/problems/unauthorized');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(core.calls).toHaveLength(0);
  });

  describe('request bodies', () => {
    let edge: ReturnType<typeof createEdgeAppHarness>;
    let auth: { authorization: string };
    beforeAll(async () => {
      edge = createEdgeAppHarness(bindingsFor('bodies', { RATE_LIMIT_REQUESTS: '100' }));
      auth = await bearer();
    });

    it('400 on malformed JSON', async () => {
      const response = await edge.request('/v1/advice', jsonPost('{"query": "What mortgage', auth));
      expect(response.status).toBe(400);
      expect((await readProblem(response)).type).toBe('/problems/malformed-json');
    });

    it('415 on a non-JSON content type', async () => {
      const response = await edge.request('/v1/advice', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'What mortgage can I get?' });
      expect(response.status).toBe(415);
      expect((await readProblem(response)).type).toBe('/problems/unsupported-media-type');
    });

    it('413 on a body over MAX_BODY_BYTES', async () => {
      const response = await edge.request('/v1/advice', jsonPost({ query: 'mortgage '.repeat(MAX_BODY_BYTES / 8) }, auth));
      expect(response.status).toBe(413);
      expect((await readProblem(response)).type).toBe('/problems/payload-too-large');
    });

    it('422 with field errors on an unknown field', async () => {
      const response = await edge.request('/v1/advice', jsonPost({ ...question('extras'), extra: true }, auth));
      expect(response.status).toBe(422);
      const problem = await readProblem(response);
      expect(problem.type).toBe('/problems/validation-failed');
      expect(problem.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(problem.errors)).toContain('extra');
    });

    it.each([
      ['control characters', 'What mortgage rate \u0007\u0000 can I get?', 'unsafe-text'],
      ['HTML', 'What mortgage <script>alert(1)</script> can I get?', 'unsafe-text'],
      ['an off-topic question', 'What is the best pizza topping for a party?', 'off-topic'],
    ])('422 text-policy problem on %s', async (_name, query, code) => {
      const response = await edge.request('/v1/advice', jsonPost({ query }, auth));
      expect(response.status).toBe(422);
      expect((await readProblem(response)).type).toBe(`/problems/${code}`);
    });

    it('never calls core for a refused body', async () => {
      const refused: [string, RequestInit][] = [
        ['malformed JSON', jsonPost('{"query": "What mortgage', auth)],
        ['a non-JSON content type', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'What mortgage can I get?' }],
        ['an oversized body', jsonPost({ query: 'mortgage '.repeat(MAX_BODY_BYTES / 8) }, auth)],
        ['an unknown field', jsonPost({ ...question('extras'), extra: true }, auth)],
        ['unsafe text', jsonPost({ query: 'What mortgage <script>alert(1)</script> can I get?' }, auth)],
        ['an off-topic question', jsonPost({ query: 'What is the best pizza topping for a party?' }, auth)],
      ];
      for (const [name, init] of refused) {
        const response = await edge.request('/v1/advice', init);
        expect(response.status, name).toBeGreaterThanOrEqual(400);
        expect(response.status, name).toBeLessThan(500);
        expect(core.calls, `core was called for ${name}`).toHaveLength(0);
      }
      // The same route with an accepted body does reach core, so the recording above could see a call.
      expect((await edge.request('/v1/advice', jsonPost(question('an accepted body'), auth))).status).toBe(200);
      expect(core.callsTo('/v1/advice')).toHaveLength(1);
    });
  });

  it('relays core 4xx problems unchanged', async () => {
    const edge = createEdgeAppHarness(bindingsFor('forbid'));
    core.mode = 'forbid';
    const response = await edge.request('/v1/advice', jsonPost(question('forbidden'), await bearer()));
    expect(response.status).toBe(403);
    expect(await readProblem(response)).toMatchObject({ type: '/problems/forbidden', detail: 'fake core says forbidden' });
  });

  it('serves the STALE copy when core fails or is down, else 503 with Retry-After', async () => {
    const bindings = bindingsFor('stale');
    const edge = createEdgeAppHarness(bindings);
    const auth = await bearer();
    expect((await edge.request('/v1/advice', jsonPost(question('stale answers'), auth))).headers.get('x-cache')).toBe('MISS');

    core.mode = 'fail';
    const stale = await edge.request('/v1/advice', jsonPost(question('stale answers'), auth));
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(AdviceResponseSchema.parse(await stale.json()).cached).toBe(true);

    const failed = await edge.request('/v1/advice', jsonPost(question('never answered'), auth));
    expect(failed.status).toBe(503);
    expect((await readProblem(failed)).type).toBe('/problems/upstream-unavailable');
    expect(failed.headers.get('retry-after')).toBe('5');

    const down = createEdgeAppHarness({ ...bindings, CORE_URL: await closedPortUrl(), JWKS_URL: `${core.url}/.well-known/jwks.json` });
    const staleWhileDown = await down.request('/v1/advice', jsonPost(question('stale answers'), auth));
    expect(staleWhileDown.status).toBe(200);
    expect(staleWhileDown.headers.get('x-cache')).toBe('STALE');
    const unavailable = await down.request('/v1/advice', jsonPost(question('never answered'), auth));
    expect(unavailable.status).toBe(503);
    expect((await readProblem(unavailable)).type).toBe('/problems/upstream-unavailable');
    expect(unavailable.headers.get('retry-after')).toBe('5');
  });

  it('504 with Retry-After when core does not answer within CORE_TIMEOUT_MS', async () => {
    const edge = createEdgeAppHarness(bindingsFor('timeout', { CORE_TIMEOUT_MS: '300' }));
    core.mode = 'hang';
    const started = Date.now();
    const response = await edge.request('/v1/advice', jsonPost(question('slow cores'), await bearer()));
    expect(response.status).toBe(504);
    expect((await readProblem(response)).type).toBe('/problems/upstream-timeout');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('signs requests to core when EDGE_SHARED_SECRET is set', async () => {
    const edge = createEdgeAppHarness(bindingsFor('signed', { EDGE_SHARED_SECRET: SHARED_SECRET }));
    expect((await edge.request('/v1/advice', jsonPost(question('signatures'), await bearer()))).status).toBe(200);
    expect((await edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'correct horse' }))).status).toBe(200);
    expect(core.calls).toHaveLength(2);
    for (const call of core.calls) {
      const verdict = await verifyServiceSignature({ secret: SHARED_SECRET, headers: new Headers(call.headers), method: call.method, path: call.path, body: call.body });
      expect(verdict, call.path).toMatchObject({ ok: true });
      const forged = await verifyServiceSignature({ secret: SHARED_SECRET, headers: new Headers(call.headers), method: call.method, path: call.path, body: `${call.body} ` });
      expect(forged.ok).toBe(false);
    }
  });

  describe('POST /v1/auth/token', () => {
    it('relays JSON and form bodies byte for byte with their content type, returning core status and body', async () => {
      const edge = createEdgeAppHarness(bindingsFor('token'));
      const json = await edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'correct horse' }));
      expect(json.status).toBe(200);
      expect(await json.json()).toMatchObject({ access_token: 'issued-by-fake-core', token_type: 'Bearer' });
      const form = 'grant_type=password&username=alice&password=correct+horse';
      const formResponse = await edge.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(formResponse.status).toBe(200);
      expect(core.callsTo('/v1/auth/token').map((call) => [call.headers['content-type'], call.body])).toEqual([
        ['application/json', JSON.stringify({ username: 'alice', password: 'correct horse' })],
        ['application/x-www-form-urlencoded', form],
      ]);
      core.mode = 'forbid';
      const refused = await edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'wrong' }));
      expect(refused.status).toBe(403);
      expect((await readProblem(refused)).detail).toBe('fake core says forbidden');
    });

    it('415 on other media types, 413 on big bodies', async () => {
      const edge = createEdgeAppHarness(bindingsFor('token-bodies'));
      const text = await edge.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'alice:secret' });
      expect(text.status).toBe(415);
      expect((await readProblem(text)).type).toBe('/problems/unsupported-media-type');
      const big = await edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'x'.repeat(MAX_BODY_BYTES) }));
      expect(big.status).toBe(413);
      expect(core.calls).toHaveLength(0);
    });

    it('rate-limits per client address the entry passes, never per a header the client sets; refuses a caller with no address', async () => {
      const edge = createEdgeAppHarness(bindingsFor('token-limit', { AUTH_RATE_LIMIT_REQUESTS: '2', AUTH_RATE_LIMIT_WINDOW: '1 h' }));
      const login = (clientAddress: string | null, headers: Record<string, string> = {}) =>
        edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'pw' }, headers), { clientAddress });
      expect((await login('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
      expect((await login('203.0.113.7', { 'cf-connecting-ip': '198.51.100.2', 'x-forwarded-for': '198.51.100.3' })).status).toBe(200);
      const limited = await login('203.0.113.7', { 'cf-connecting-ip': '198.51.100.4', 'x-forwarded-for': '198.51.100.4' });
      expect(limited.status).toBe(429);
      expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('ratelimit-limit')).toBe('2');
      expect((await login('198.51.100.1')).status).toBe(200);
      const calls = core.calls.length;
      const anonymous = await login(null, { 'x-forwarded-for': '198.51.100.9' });
      expect(anonymous.status).toBe(500);
      expect((await readProblem(anonymous)).detail).toMatch(/cannot tell who is calling/);
      expect(core.calls.length).toBe(calls);
    });

    it('503 problem when core is down', async () => {
      const edge = createEdgeAppHarness({ ...bindingsFor('token-down'), CORE_URL: await closedPortUrl() });
      const response = await edge.request('/v1/auth/token', jsonPost({ username: 'alice', password: 'pw' }));
      expect(response.status).toBe(503);
      expect((await readProblem(response)).type).toBe('/problems/upstream-unavailable');
      expect(response.headers.get('retry-after')).toBe('5');
    });
  });

  describe('token keys', () => {
    it('verifies against a static JWKS_JSON without fetching core', async () => {
      const edge = createEdgeAppHarness(bindingsFor('jwks-json', { JWKS_JSON: JSON.stringify(signer.jwks), JWKS_URL: await closedPortUrl() }));
      const jwksFetches = core.jwksFetches;
      expect((await edge.request('/v1/advice', jsonPost(question('static keys'), await bearer()))).status).toBe(200);
      expect(core.jwksFetches).toBe(jwksFetches);
    });

    it('503 (not 401) when the JWKS cannot be fetched', async () => {
      const edge = createEdgeAppHarness({ ...bindingsFor('jwks-down'), CORE_URL: await closedPortUrl() });
      const response = await edge.request('/v1/advice', jsonPost(question('key outages'), await bearer()));
      expect(response.status).toBe(503);
      expect((await readProblem(response)).type).toBe('/problems/upstream-unavailable');
      expect(response.headers.get('retry-after')).toBe('5');
    });

    it('verifies HS256 tokens when JWT_SECRET is set, and refuses EdDSA ones then', async () => {
      const secret = 'an-hs256-secret-of-at-least-32-characters';
      const edge = createEdgeAppHarness(bindingsFor('hs256', { JWT_SECRET: secret }));
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject('hs-user')
        .setIssuedAt(now)
        .setJti(crypto.randomUUID())
        .setExpirationTime(now + 300)
        .sign(new TextEncoder().encode(secret));
      expect((await edge.request('/v1/advice', jsonPost(question('shared secrets'), { authorization: `Bearer ${token}` }))).status).toBe(200);
      expect((await edge.request('/v1/advice', jsonPost(question('shared secrets'), await bearer()))).status).toBe(401);
    });
  });

  describe('POST /v1/advice/stream', () => {
    const stream = (edge: ReturnType<typeof createEdgeAppHarness>, body: unknown, headers: Record<string, string>) =>
      edge.request('/v1/advice/stream', jsonPost(body, headers));
    const eventsOf = async (response: Response) => {
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      return parseEventStream(await response.text());
    };
    const cacheKeyFor = async (prefix: string, body: { query: string; profile?: unknown }) => {
      const parsed = AdviceRequestSchema.parse(body);
      return adviceCacheKey({ prefix, indexVersion: core.indexVersion, query: parsed.query, profile: parsed.profile });
    };

    it('MISS pipes core’s meta/token/done through and caches the answer; the same question is then a HIT on both routes without core', async () => {
      const bindings = bindingsFor('stream-hit', { EDGE_SHARED_SECRET: SHARED_SECRET });
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      const headers = { ...(await bearer()), 'x-request-id': 'req-stream-1' };
      const body = question('a streamed answer');

      const miss = await stream(edge, body, headers);
      expect(miss.status).toBe(200);
      expect(miss.headers.get('x-cache')).toBe('MISS');
      expect(miss.headers.get('cache-control')).toBe('no-cache');
      expect(miss.headers.get('ratelimit-limit')).toBe('10');
      const missId = miss.headers.get('x-request-id');
      expect(missId).toMatch(/^[0-9a-f-]{36}$/);
      const events = await eventsOf(miss);
      const done = AdviceResponseSchema.parse(events.at(-1)?.data);
      expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'token', 'token', 'done']);
      expect(events[0]?.data).toEqual({ sources: done.sources, indexVersion: core.indexVersion });
      expect(events.slice(1, 4).map((event) => (event.data as { text: string }).text)).toEqual(adviceTokens(done.advice));
      expect(done).toMatchObject({ cached: false, advice: `Fake core advice for: ${body.query}` });

      const [call] = core.callsTo('/v1/advice/stream');
      expect(core.calls).toHaveLength(1);
      expect(call?.body).toBe(JSON.stringify(body));
      expect(call?.headers).toMatchObject({ authorization: headers.authorization, 'x-request-id': missId, accept: 'text/event-stream', 'content-type': 'application/json' });
      const signature = await verifyServiceSignature({ secret: SHARED_SECRET, headers: new Headers(call?.headers), method: 'POST', path: '/v1/advice/stream', body: call?.body ?? '' });
      expect(signature).toMatchObject({ ok: true });

      const key = await cacheKeyFor(bindings.KEY_PREFIX, body);
      expect(await upstash.redis.ttl(key)).toBeGreaterThan(590);
      expect(await upstash.redis.ttl(`${bindings.KEY_PREFIX}advice-stale:${key.split(':').pop()}`)).toBeGreaterThan(86_000);

      const hit = await stream(edge, body, await bearer());
      expect(hit.status).toBe(200);
      expect(hit.headers.get('x-cache')).toBe('HIT');
      const hitEvents = await eventsOf(hit);
      expect(hitEvents.map((event) => event.event)).toEqual(['meta', 'token', 'done']);
      expect(hitEvents[0]?.data).toEqual(events[0]?.data);
      expect(hitEvents[1]?.data).toEqual({ text: done.advice });
      expect(hitEvents[2]?.data).toEqual({ ...done, cached: true });

      const json = await edge.request('/v1/advice', jsonPost(body, await bearer()));
      expect(json.headers.get('x-cache')).toBe('HIT');
      expect(await json.json()).toEqual({ ...done, cached: true });
      expect(core.calls).toHaveLength(1);
      expect(await upstash.redis.get(`${bindings.KEY_PREFIX}metrics:edge_cache:hit`)).toBe('2');
      expect(await upstash.redis.get(`${bindings.KEY_PREFIX}metrics:edge_cache:miss`)).toBe('1');
    });

    it('an answer cached by POST /v1/advice is a HIT for the stream', async () => {
      const bindings = bindingsFor('stream-from-json');
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      const body = question('answers asked as JSON first');
      const first = AdviceResponseSchema.parse(await (await edge.request('/v1/advice', jsonPost(body, await bearer()))).json());
      const hit = await stream(edge, body, await bearer());
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect((await eventsOf(hit)).at(-1)).toEqual({ event: 'done', data: { ...first, cached: true } });
      expect(core.calls.map((call) => call.path)).toEqual(['/v1/advice']);
    });

    it.each([
      ['ends with an error event', 'stream-error', ['meta', 'token', 'error'], 'upstream-unavailable'],
      ['ends in the middle of the done event', 'stream-truncated', ['meta', 'token', 'token', 'token', 'error'], 'upstream-unavailable'],
    ] as const)('caches nothing when core’s stream %s', async (_name, mode, expected, code) => {
      const bindings = bindingsFor(`stream-${mode}`);
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      const body = question(`streams that ${mode}`);
      core.mode = mode;
      const response = await stream(edge, body, await bearer());
      expect(response.status).toBe(200);
      const events = await eventsOf(response);
      expect(events.map((event) => event.event)).toEqual(expected);
      expect(events.at(-1)?.data).toMatchObject({ type: `/problems/${code}`, code, status: 503 });
      expect(await upstash.redis.exists(await cacheKeyFor(bindings.KEY_PREFIX, body))).toBe(0);

      core.mode = 'ok';
      expect((await stream(edge, body, await bearer())).headers.get('x-cache')).toBe('MISS');
      expect(core.callsTo('/v1/advice/stream')).toHaveLength(2);
    });

    it('caches neither a streamed nor a JSON answer that core marked degraded', async () => {
      const bindings = bindingsFor('stream-degraded');
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      core.mode = 'degraded';
      const body = question('a model outage');
      const streamed = await eventsOf(await stream(edge, body, await bearer()));
      expect(streamed.at(-1)).toMatchObject({ event: 'done', data: { degraded: true } });
      const json = await edge.request('/v1/advice', jsonPost(body, await bearer()));
      expect(json.headers.get('x-cache')).toBe('MISS');
      expect(await json.json()).toMatchObject({ degraded: true });
      expect(await upstash.redis.keys(`${bindings.KEY_PREFIX}advice*`)).toEqual([]);

      core.mode = 'ok';
      expect((await stream(edge, body, await bearer())).headers.get('x-cache')).toBe('MISS');
      expect((await stream(edge, body, await bearer())).headers.get('x-cache')).toBe('HIT');
      expect(core.calls).toHaveLength(3);
    });

    it('sends keep-alive comments while core is silent, then closes with an upstream-timeout error event past CORE_TIMEOUT_MS, caching nothing', async () => {
      const bindings = bindingsFor('stream-silent', { CORE_TIMEOUT_MS: '500', STREAM_HEARTBEAT_MS: '100' });
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      core.mode = 'stream-stall';
      const body = question('cores that stall');
      const started = Date.now();
      const response = await stream(edge, body, await bearer());
      const text = await response.clone().text();
      expect(text).toMatch(/^event: meta\n[\s\S]*event: token\n[\s\S]*(: keep-alive\n\n){3,}event: error\n/);
      const events = await eventsOf(response);
      expect(events.map((event) => event.event)).toEqual(['meta', 'token', 'error']);
      expect(events.at(-1)?.data).toMatchObject({ type: '/problems/upstream-timeout', status: 504 });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await upstash.redis.exists(await cacheKeyFor(bindings.KEY_PREFIX, body))).toBe(0);
      await expect.poll(() => core.callsTo('/v1/advice/stream')[0]?.closedEarly).toBe(true);
    });

    it('cancelling the response body cancels the request to core; the background work settles without caching', async () => {
      const bindings = bindingsFor('stream-cancel');
      await upstash.redis.set(liveIndexVersionKey(bindings.KEY_PREFIX), core.indexVersion);
      const edge = createEdgeAppHarness(bindings);
      core.mode = 'stream-stall';
      const body = question('clients that leave');
      const pending: Promise<unknown>[] = [];
      const context = toHonoExecutionContext({ waitUntil: (promise) => void pending.push(promise) });
      const response = await edge.app.request('/v1/advice/stream', jsonPost(body, await bearer()), bindings, context);
      const reader = response.body!.getReader();
      let received = '';
      while (!received.includes('event: token')) received += new TextDecoder().decode((await reader.read()).value);
      const [call] = core.callsTo('/v1/advice/stream');
      expect(call?.closedEarly).toBe(false);
      await reader.cancel();
      await expect.poll(() => call?.closedEarly, { timeout: 2_000 }).toBe(true);
      await Promise.all(pending);
      expect(await upstash.redis.exists(await cacheKeyFor(bindings.KEY_PREFIX, body))).toBe(0);
    });

    it('when core fails: the stale answer as events (X-Cache: STALE), else 503 / 504 problem+json with Retry-After', async () => {
      const bindings = bindingsFor('stream-stale', { CORE_TIMEOUT_MS: '300' });
      const edge = createEdgeAppHarness(bindings);
      const auth = await bearer();
      const body = question('stale streamed answers');
      const first = AdviceResponseSchema.parse((await eventsOf(await stream(edge, body, auth))).at(-1)?.data);

      core.mode = 'fail';
      const stale = await stream(edge, body, auth);
      expect(stale.status).toBe(200);
      expect(stale.headers.get('x-cache')).toBe('STALE');
      expect((await eventsOf(stale)).map((event) => [event.event, event.data])).toEqual([
        ['meta', { sources: first.sources, indexVersion: first.indexVersion }],
        ['token', { text: first.advice }],
        ['done', { ...first, cached: true }],
      ]);
      const unavailable = await stream(edge, question('never streamed'), auth);
      expect(unavailable.status).toBe(503);
      expect((await readProblem(unavailable)).type).toBe('/problems/upstream-unavailable');
      expect(unavailable.headers.get('retry-after')).toBe('5');

      core.mode = 'hang';
      const timedOut = await stream(edge, question('never streamed'), auth);
      expect(timedOut.status).toBe(504);
      expect((await readProblem(timedOut)).type).toBe('/problems/upstream-timeout');
      expect(timedOut.headers.get('retry-after')).toBe('5');

      const down = createEdgeAppHarness({ ...bindings, CORE_URL: await closedPortUrl(), JWKS_URL: `${core.url}/.well-known/jwks.json` });
      expect((await down.request('/v1/advice/stream', jsonPost(body, auth))).headers.get('x-cache')).toBe('STALE');
      expect((await down.request('/v1/advice/stream', jsonPost(question('never streamed'), auth))).status).toBe(503);
    });

    it('relays core’s 4xx problem unchanged', async () => {
      const edge = createEdgeAppHarness(bindingsFor('stream-forbid'));
      core.mode = 'forbid';
      const response = await stream(edge, question('forbidden streams'), await bearer());
      expect(response.status).toBe(403);
      expect(await readProblem(response)).toMatchObject({ type: '/problems/forbidden', detail: 'fake core says forbidden' });
    });

    it('refuses like /v1/advice before core: 401 without a token, 415/400/413/422 bodies and text policy', async () => {
      const edge = createEdgeAppHarness(bindingsFor('stream-refusals', { RATE_LIMIT_REQUESTS: '100' }));
      const auth = await bearer();
      const refusals: Array<[RequestInit, number, string]> = [
        [jsonPost(question('tokens')), 401, 'unauthorized'],
        [jsonPost(question('tokens'), { authorization: `Bearer ${unsignedToken()}` }), 401, 'unauthorized'],
        [{ method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'What mortgage can I get?' }, 415, 'unsupported-media-type'],
        [jsonPost('{"query": "What mortgage', auth), 400, 'malformed-json'],
        [jsonPost({ query: 'mortgage '.repeat(MAX_BODY_BYTES / 8) }, auth), 413, 'payload-too-large'],
        [jsonPost({ ...question('extras'), extra: true }, auth), 422, 'validation-failed'],
        [jsonPost({ query: 'What is the best pizza topping for a party?' }, auth), 422, 'off-topic'],
      ];
      for (const [init, status, code] of refusals) {
        const response = await edge.request('/v1/advice/stream', init);
        expect(response.status, code).toBe(status);
        expect((await readProblem(response)).type).toBe(`/problems/${code}`);
      }
      expect(core.calls).toHaveLength(0);
    });

    it('shares the per-user rate limit with /v1/advice: 429 with Retry-After once both together pass the limit', async () => {
      const edge = createEdgeAppHarness(bindingsFor('stream-limit', { RATE_LIMIT_WINDOW: '1 h' }));
      const headers = await bearer('stream-limited-user');
      for (let index = 1; index <= 10; index += 1) {
        const path = index % 2 === 0 ? '/v1/advice/stream' : '/v1/advice';
        const response = await edge.request(path, jsonPost(question('stream limits'), headers));
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-remaining')).toBe(String(10 - index));
      }
      const limited = await edge.request('/v1/advice/stream', jsonPost(question('stream limits'), headers));
      expect(limited.status).toBe(429);
      expect((await readProblem(limited)).type).toBe('/problems/rate-limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    });
  });

  describe('when Upstash fails', () => {
    it('unreachable: skips the cache, fails the rate limit open, still answers from core', async () => {
      const edge = createEdgeAppHarness({ ...bindingsFor('redis-down'), UPSTASH_REDIS_REST_URL: await closedPortUrl() });
      const response = await edge.request('/v1/advice', jsonPost(question('redis outages'), await bearer()));
      expect(response.status, await response.clone().text()).toBe(200);
      expect(response.headers.get('x-cache')).toBe('MISS');
      expect(response.headers.get('ratelimit-limit')).toBeNull();
      expect(core.callsTo('/v1/advice')).toHaveLength(1);
    });

    it('refusing (bad token): the rate limiter fails closed with 503', async () => {
      const edge = createEdgeAppHarness({ ...bindingsFor('redis-refuses'), UPSTASH_REDIS_REST_TOKEN: 'wrong-token' });
      const response = await edge.request('/v1/advice', jsonPost(question('redis errors'), await bearer()));
      expect(response.status).toBe(503);
      expect((await readProblem(response)).type).toBe('/problems/upstream-unavailable');
      expect(core.calls).toHaveLength(0);
    });
  });
});
