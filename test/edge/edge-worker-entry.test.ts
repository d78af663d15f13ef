import { describe, expect, it, vi } from 'vitest';
import worker, { type Env } from '../../edge/worker.ts';
import { readProblem } from '../support/edge-app-harness.ts';

const context = { waitUntil: () => {} };

describe('edge/worker.ts entry', () => {
  it('answers a 500 problem (and logs only variable names) when bindings are invalid', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const env = { CORE_URL: 'nope', UPSTASH_REDIS_REST_TOKEN: 'secret-token-value' } as unknown as Env;
    const response = await worker.fetch(new Request('http://edge.test/health'), env, context);
    expect(response.status).toBe(500);
    expect((await readProblem(response)).type).toBe('/problems/internal');
    const logged = log.mock.calls.flat().join(' ');
    expect(logged).toContain('UPSTASH_REDIS_REST_URL');
    expect(logged).not.toContain('secret-token-value');
    log.mockRestore();
  });

  it('serves requests with valid bindings', async () => {
    const env: Env = { CORE_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'token' };
    const response = await worker.fetch(new Request('http://edge.test/health'), env, context);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
