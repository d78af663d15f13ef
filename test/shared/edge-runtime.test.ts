import { build } from 'esbuild';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Miniflare } from 'miniflare';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../shared/contracts/auth.ts';
import { sharedChecks, type CheckInput } from './fixtures/shared-in-workerd.ts';

const entry = fileURLToPath(new URL('./fixtures/shared-in-workerd.ts', import.meta.url));

let miniflare: Miniflare | undefined;
let input: CheckInput;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const token = await new SignJWT({ role: 'financial_advisor', username: 'ada' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'workerd-key', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject('user-42')
    .setJti('jti-workerd')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
  input = { token, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'workerd-key', alg: 'EdDSA', use: 'sig' }] } };

  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import'],
    logLevel: 'silent',
  });
  miniflare = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: '2025-09-01' });
}, 60_000);

afterAll(async () => {
  await miniflare?.dispose();
});

async function inWorkerd(): Promise<unknown> {
  const response = await miniflare!.dispatchFetch('http://worker.test/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const { runtime, results } = JSON.parse(text) as { runtime: string; results: unknown };
  // Proof the bundle ran in workerd, not in this Node process.
  expect(runtime).toBe('Cloudflare-Workers');
  return results;
}

describe('shared modules in workerd', () => {
  it('give the same results as the same calls in Node', { timeout: 60_000 }, async () => {
    const inNode = JSON.parse(JSON.stringify(await sharedChecks(input)));
    expect(await inWorkerd()).toEqual(inNode);
  });

  it('give the expected results there, not merely equal ones', { timeout: 60_000 }, async () => {
    const results = (await inWorkerd()) as Record<string, Record<string, unknown>>;
    expect(results.policy).toEqual({
      ok: { ok: true, text: 'What are my options for a $200,000 home with a 620 credit score?' },
      html: { ok: false, code: 'unsafe-text', detail: expect.stringMatching(/markup/) },
      offTopic: { ok: false, code: 'off-topic', detail: expect.stringMatching(/loans/) },
      profanity: { ok: false, code: 'profanity', detail: expect.any(String) },
    });
    expect(results.cacheKey).toMatch(/^apfa:advice:v1:[0-9a-f]{64}$/);
    expect(results.permissions).toEqual({ userGenerate: true, advisorManageJobs: false, superAdminAudit: true });
    expect(results.signature).toMatchObject({
      headers: { 'x-apfa-timestamp': '1700000000', 'x-apfa-nonce': '5eed'.repeat(8), 'x-apfa-signature': expect.stringMatching(/^v2=[0-9a-f]{64}$/) },
      valid: { ok: true, nonce: '5eed'.repeat(8), timestamp: 1700000000 },
      tampered: { ok: false, reason: 'signature mismatch' },
      stale: { ok: false, reason: 'timestamp outside the allowed window' },
    });
    expect(results.token).toEqual({
      valid: { ok: true, value: { sub: 'user-42', role: 'financial_advisor', username: 'ada', jti: 'jti-workerd', iat: expect.any(Number), exp: expect.any(Number) } },
      forged: { ok: false, code: 'unauthorized', status: 401, detail: expect.stringMatching(/signature/) },
    });
  });
});
