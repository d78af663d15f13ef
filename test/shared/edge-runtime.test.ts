import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedChecks } from './fixtures/shared-in-workerd.ts';

const entry = fileURLToPath(new URL('./fixtures/shared-in-workerd.ts', import.meta.url));

let miniflare: Miniflare | undefined;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  miniflare = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01' });
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('shared modules in workerd', () => {
  it('give the same results as in Node', async () => {
    const response = await miniflare!.dispatchFetch('http://worker.test/');
    expect(response.status).toBe(200);
    const inWorkerd = await response.json();
    const inNode = JSON.parse(JSON.stringify(await sharedChecks()));
    expect(inWorkerd).toEqual(inNode);
  });

  it('produce the expected results, not just equal ones', async () => {
    const results = (await sharedChecks()) as {
      verdicts: Array<{ ok: boolean; code?: string }>;
      signature: Record<string, unknown>;
      permissions: Record<string, unknown>;
      claims: Record<string, unknown>;
    };
    expect(results.verdicts.map((verdict) => (verdict.ok ? 'ok' : verdict.code))).toEqual([
      'ok',
      'unsafe-text',
      'unsafe-text',
      'profanity',
      'off-topic',
      'ok',
    ]);
    expect(results.signature).toMatchObject({ valid: { ok: true }, wrongPath: { ok: false }, expired: { ok: false } });
    expect(results.permissions).toMatchObject({ userGenerates: true, advisorManagesJobs: false, role: true });
    expect(results.claims).toMatchObject({ sub: 'user-1', role: 'financial_advisor' });
  });
});
