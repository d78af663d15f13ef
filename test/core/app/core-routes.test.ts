import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { AdviceResponseSchema } from '../../../shared/contracts/advice.ts';
import { signServiceRequest } from '../../../shared/auth/service-signature.ts';
import { startCore, TEST_ADMIN_PASSWORD, type StartedCore } from '../../support/start-core.ts';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

type Backend = { name: string; env: () => Record<string, string>; cleanup: () => Promise<void> };

function postgresBackend(): Backend {
  const schema = `apfa_routes_${Math.random().toString(36).slice(2, 10)}`;
  return {
    name: 'postgres',
    env: () => ({ DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }),
    async cleanup() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

const backends: Backend[] = [{ name: 'pglite', env: () => ({}), cleanup: async () => {} }, postgresBackend()];

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status, await response.clone().text()).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const problem = (await response.json()) as { type: string; code: string; title: string; status: number };
  expect(problem.type).toBe(`/problems/${code}`);
  expect(problem.status).toBe(status);
  expect(problem.title.length).toBeGreaterThan(0);
  return problem;
}

describe.each(backends)('core routes on $name', (backend) => {
  let core: StartedCore;
  let token: string;
  const request = (path: string, init?: RequestInit) => core.runtime.app.request(path, init);

  beforeAll(async () => {
    core = await startCore(backend.env());
    const response = await request('/v1/auth/token', json({ username: 'admin', password: TEST_ADMIN_PASSWORD }));
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await core?.stop();
    await backend.cleanup();
  });

  it('answers liveness and readiness with the loaded index; public /ready shows nothing of the runtime', async () => {
    expect(await (await request('/health')).json()).toEqual({ status: 'ok' });
    const ready = await request('/ready');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['indexVersion', 'status']);
    expect(body.indexVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(body)).not.toContain(core.dataDir);

    expect((await request('/admin/runtime')).status).toBe(401);
    const runtime = await request('/admin/runtime', { headers: { authorization: `Bearer ${token}` } });
    expect(runtime.status).toBe(200);
    const described = (await runtime.json()) as { indexVersion: string; documents: number; runtime: Record<string, string> };
    expect(described.indexVersion).toBe(body.indexVersion);
    expect(described.documents).toBeGreaterThanOrEqual(40);
    expect(described.runtime.database).toContain(backend.name);
  });

  it('publishes an OpenAPI document and an API reference page', async () => {
    const doc = (await (await request('/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/advice', '/v1/auth/token', '/.well-known/jwks.json', '/health', '/ready', '/metrics']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['AdviceRequest', 'AdviceResponse', 'Problem', 'TokenResponse']));
    // The management API is documented too (OpenAPI path syntax).
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/users',
        '/admin/audit',
        '/admin/jobs',
        '/admin/jobs/sync',
        '/admin/jobs/{queue}/{id}',
        '/admin/jobs/{queue}/{id}/cancel',
        '/admin/jobs/{queue}/{id}/retry',
        '/admin/documents',
        '/admin/queues',
        '/admin/queues/{queue}/pause',
        '/admin/queues/{queue}/clean',
        '/admin/workers',
        '/admin/index',
        '/admin/index/versions',
        '/admin/index/build',
        '/admin/index/versions/{version}/activate',
        '/admin/index/versions/{version}',
        '/admin/stats',
        '/admin/dashboard',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Job', 'JobPage', 'QueueList', 'IndexVersionList', 'AdminStats', 'UploadDocumentsResult']));
    const cancel = (doc.paths['/admin/jobs/{queue}/{id}/cancel'] as { post: { responses: Record<string, unknown> } }).post;
    expect(Object.keys(cancel.responses)).toEqual(expect.arrayContaining(['200', '404', '409']));
    const page = await request('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/openapi.json');
  });

  it('publishes public signing keys only', async () => {
    const response = await request('/.well-known/jwks.json');
    // No shared HTTP cache may hold the set past a key rotation.
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key.kid).toBeTruthy();
      expect(['EdDSA', 'ES256']).toContain(key.alg);
      expect(key.d).toBeUndefined();
    }
  });

  it('issues tokens for JSON and OAuth2 form bodies and rotates refresh tokens', async () => {
    const form = await request('/v1/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD }).toString(),
    });
    expect(form.status).toBe(200);
    const tokens = (await form.json()) as { access_token: string; token_type: string; expires_in: number; refresh_token: string };
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBeLessThanOrEqual(900);
    expect(form.headers.get('cache-control')).toBe('no-store');
    const refreshed = await request('/v1/auth/token', json({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }));
    expect(refreshed.status).toBe(200);
    const reused = await request('/v1/auth/token', json({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }));
    await expectProblem(reused, 401, 'unauthorized');
  });

  it('refuses bad credentials and bad token requests with problem+json', async () => {
    await expectProblem(await request('/v1/auth/token', json({ username: 'admin', password: 'wrong-password' })), 401, 'invalid-credentials');
    await expectProblem(await request('/v1/auth/token', json({ username: 'nobody', password: 'whatever' })), 401, 'invalid-credentials');
    await expectProblem(await request('/v1/auth/token', json({ username: 'admin' })), 422, 'validation-failed');
    await expectProblem(await request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }), 415, 'unsupported-media-type');
    await expectProblem(await request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }), 400, 'malformed-json');
  });

  it('answers an advice question with cited sources, a bias report and a disclaimer', async () => {
    const response = await request(
      '/v1/advice',
      json(
        { query: 'What are my options for a $200,000 home with a 620 credit score?', profile: { propertyValue: 200000, creditScore: 620, loanPurpose: 'purchase' } },
        { authorization: `Bearer ${token}` },
      ),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    const advice = AdviceResponseSchema.parse(await response.json());
    expect(advice.sources.length).toBeGreaterThan(0);
    expect(advice.advice).toMatch(/\[1\]/);
    for (const match of advice.advice.matchAll(/\[(\d+)\]/g)) expect(Number(match[1])).toBeLessThanOrEqual(advice.sources.length);
    expect(advice.cached).toBe(false);
    expect(advice.generator).toBe('extractive-v1');
    expect(advice.disclaimer).toMatch(/not financial/i);
    expect(advice.bias.score).toBeGreaterThanOrEqual(0);
    const ready = (await (await request('/ready')).json()) as { indexVersion: string };
    expect(advice.indexVersion).toBe(ready.indexVersion);
    expect(advice.sources.map((source) => source.id).join(' ')).toMatch(/fha|credit|low-credit/);
  });

  it('requires a valid bearer token for advice', async () => {
    await expectProblem(await request('/v1/advice', json({ query: 'How does PMI work on a mortgage?' })), 401, 'unauthorized');
    await expectProblem(
      await request('/v1/advice', json({ query: 'How does PMI work on a mortgage?' }, { authorization: 'Bearer not.a.jwt' })),
      401,
      'unauthorized',
    );
    const [header, payload] = token.split('.');
    const tampered = `${header}.${payload}x.${token.split('.')[2]}`;
    await expectProblem(
      await request('/v1/advice', json({ query: 'How does PMI work on a mortgage?' }, { authorization: `Bearer ${tampered}` })),
      401,
      'unauthorized',
    );
  });

  it('refuses bad advice input with 4xx problem+json, never 5xx', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const cases: Array<[RequestInit, number, string]> = [
      [json({ query: 'PMI?' }, auth), 422, 'validation-failed'],
      [json({ query: 'How does PMI work?', extra: true }, auth), 422, 'validation-failed'],
      [json({ query: 'How does PMI work?', profile: { creditScore: 900 } }, auth), 422, 'validation-failed'],
      [json({ query: 'x'.repeat(501) }, auth), 422, 'validation-failed'],
      [json({ query: 'What is APR? <script>alert(1)</script>' }, auth), 422, 'unsafe-text'],
      [json({ query: 'What is APR?\u0007 on a car loan' }, auth), 422, 'unsafe-text'],
      [json({ query: 'What is A\u202ePR on a car loan' }, auth), 422, 'unsafe-text'],
      [json({ query: 'Write me a poem about the ocean and the moon' }, auth), 422, 'off-topic'],
      [{ method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: 'hello' }, 415, 'unsupported-media-type'],
      [{ method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"query": "abc' }, 400, 'malformed-json'],
      [{ method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: 'a'.repeat(10_000) }) }, 413, 'payload-too-large'],
      [{ method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '[]' }, 422, 'validation-failed'],
    ];
    for (const [init, status, code] of cases) {
      await expectProblem(await request('/v1/advice', init), status, code);
    }
    await expectProblem(await request('/no/such/route'), 404, 'not-found');
  });

  it('exposes Prometheus metrics for requests, latency and pipeline stages', async () => {
    const text = await (await request('/metrics')).text();
    expect(text).toContain('apfa_requests_total{method="POST",route="/v1/advice",status="200"}');
    expect(text).toContain('apfa_response_time_seconds_bucket');
    expect(text).toMatch(/apfa_pipeline_stage_seconds_count\{stage="search"\} [1-9]/);
    expect(text).toContain('apfa_index_vector_count');
    expect(text).toContain('apfa_cache_hits_total');
  });
});

describe('core behind the edge only (REQUIRE_EDGE_SIGNATURE)', () => {
  const secret = 'edge-shared-secret-for-tests-0123456789';
  let core: StartedCore;
  beforeAll(async () => {
    core = await startCore({ EDGE_SHARED_SECRET: secret, REQUIRE_EDGE_SIGNATURE: 'true' });
  });
  afterAll(async () => core?.stop());

  it('refuses unsigned calls and accepts signed ones', async () => {
    const body = JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD });
    const unsigned = await core.runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { code: string }).code).toBe('bad-signature');
    const signature = await signServiceRequest({ secret, method: 'POST', path: '/v1/auth/token', body });
    const signed = await core.runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body });
    expect(signed.status).toBe(200);
    // The same signed request again: its nonce was used (test/core/http/edge-signature.test.ts covers the rest).
    const replayed = await core.runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json', ...signature }, body });
    expect(replayed.status).toBe(401);
    const forged = await signServiceRequest({ secret: 'another-secret-entirely-000000', method: 'POST', path: '/v1/auth/token', body });
    const refused = await core.runtime.app.request('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json', ...forged }, body });
    expect(refused.status).toBe(401);
  });
});

describe('restart on the embedded default', () => {
  it('reuses the stored index version instead of re-embedding', async () => {
    const first = await startCore();
    const version = ((await (await first.runtime.app.request('/ready')).json()) as { indexVersion: string }).indexVersion;
    await first.stop({ keepData: true });
    const second = await startCore({ APFA_DATA_DIR: first.dataDir });
    try {
      const again = ((await (await second.runtime.app.request('/ready')).json()) as { indexVersion: string }).indexVersion;
      expect(again).toBe(version);
    } finally {
      await second.stop();
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
