import { describe, expect, it } from 'vitest';
import { parseEdgeConfig } from '../../edge/config.ts';

const required = { CORE_URL: 'http://core.internal:8080/', UPSTASH_REDIS_REST_URL: 'https://example.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'token' };

describe('parseEdgeConfig', () => {
  it('applies defaults and derives JWKS_URL from CORE_URL', () => {
    expect(parseEdgeConfig(required)).toMatchObject({
      CORE_URL: 'http://core.internal:8080',
      JWKS_URL: 'http://core.internal:8080/.well-known/jwks.json',
      RATE_LIMIT_REQUESTS: 10,
      RATE_LIMIT_WINDOW: '60 s',
      AUTH_RATE_LIMIT_REQUESTS: 10,
      AUTH_RATE_LIMIT_WINDOW: '60 s',
      CACHE_TTL_SECONDS: 600,
      STALE_TTL_SECONDS: 86_400,
      CORE_TIMEOUT_MS: 10_000,
      KEY_PREFIX: 'apfa:',
      LIVE_VERSION_CACHE_MS: 1_000,
      JWKS_COOLDOWN_MS: 1_000,
      JWKS_CACHE_MAX_AGE_MS: 300_000,
    });
    const config = parseEdgeConfig(required);
    expect([config.JWKS_JSON, config.JWT_SECRET, config.EDGE_SHARED_SECRET]).toEqual([undefined, undefined, undefined]);
  });

  it('coerces numbers given as strings (or JSON numbers from wrangler vars) and parses a static JWKS', () => {
    const config = parseEdgeConfig({
      ...required,
      RATE_LIMIT_REQUESTS: '25',
      CORE_TIMEOUT_MS: 300,
      RATE_LIMIT_WINDOW: '10s',
      JWKS_JSON: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1' }] }),
      EDGE_SHARED_SECRET: '',
    });
    expect(config.RATE_LIMIT_REQUESTS).toBe(25);
    expect(config.CORE_TIMEOUT_MS).toBe(300);
    expect(config.RATE_LIMIT_WINDOW).toBe('10s');
    expect(config.JWKS_JSON?.keys[0]).toMatchObject({ kid: 'k1' });
    expect(config.EDGE_SHARED_SECRET).toBeUndefined();
  });

  it('lists every bad variable without echoing secret values', () => {
    let message = '';
    try {
      parseEdgeConfig({ CORE_URL: 'not a url', UPSTASH_REDIS_REST_TOKEN: 'super-secret-token', RATE_LIMIT_REQUESTS: 'many', RATE_LIMIT_WINDOW: 'a minute', JWKS_JSON: '{nope', EDGE_SHARED_SECRET: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['CORE_URL', 'UPSTASH_REDIS_REST_URL', 'RATE_LIMIT_REQUESTS', 'RATE_LIMIT_WINDOW', 'JWKS_JSON', 'EDGE_SHARED_SECRET']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('super-secret-token');
    expect(message).not.toContain('short');
  });

  it('refuses both JWKS_JSON and JWT_SECRET', () => {
    expect(() => parseEdgeConfig({ ...required, JWKS_JSON: '{"keys":[{"kty":"oct"}]}', JWT_SECRET: 'x'.repeat(32) })).toThrow(/either JWKS_JSON or JWT_SECRET/);
  });
});
