import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAccessTokenVerifier } from '../../../core/auth/token-service.ts';
import { sqlAdapters } from '../storage/sql-adapters.ts';
import { bearer, createAdminHarness, expectProblemShape, type AdminHarness } from './support/admin-harness.ts';

type KeyJson = { kid: string; retiredAt: string | null; published: boolean };

describe.each(sqlAdapters)('signing-key rotation through the admin API on $name', (adapter) => {
  let harness: AdminHarness;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    harness = await createAdminHarness(adapter, { now, overlapSeconds: 3600 });
  });
  afterAll(async () => harness?.close());

  it('rotates: new tokens use the new key, tokens signed by the previous key keep verifying during the overlap', async () => {
    const root = await harness.signIn('super_admin');
    const reader = await harness.signIn('user');
    const oldKid = (await harness.keys.current()).kid;

    const rotated = await harness.app.request('/admin/signing-keys/rotate', { method: 'POST', headers: bearer(root.accessToken) });
    expect(rotated.status, await rotated.clone().text()).toBe(200);
    const body = (await rotated.json()) as { kid: string; keys: KeyJson[] };
    expect(body.kid).not.toBe(oldKid);
    expect(body.keys.map((key) => [key.kid, key.published, key.retiredAt === null])).toEqual([
      [body.kid, true, true],
      [oldKid, true, false],
    ]);

    const jwks = (await (await harness.app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((key) => key.kid)).toEqual([body.kid, oldKid]);

    // Tokens issued before the rotation (previous key) still work, here and in a fresh verifier (another instance).
    expect((await harness.app.request('/v1/advice/history', { headers: bearer(reader.accessToken) })).status).toBe(200);
    await expect(createLocalAccessTokenVerifier(harness.keys, { now }).verify(reader.accessToken)).resolves.toMatchObject({ sub: reader.user.id });
    const fresh = await harness.tokens.passwordGrant(reader.user.username, reader.password);
    expect(JSON.parse(Buffer.from(fresh.access_token.split('.')[0]!, 'base64url').toString()).kid).toBe(body.kid);

    const rows = await harness.audit.query({ action: 'signing-key.rotate', limit: 5 });
    expect(rows.items[0]).toMatchObject({ outcome: 'success', target: `signing-key:${body.kid}`, actorId: root.user.id });

    // After the overlap the previous key leaves the JWKS, and the next rotation deletes it.
    clock += 3600 * 1000 + 1000;
    const later = await harness.tokens.passwordGrant(root.user.username, root.password);
    const listed = (await (await harness.app.request('/admin/signing-keys', { headers: bearer(later.access_token) })).json()) as { keys: KeyJson[] };
    expect(listed.keys.find((key) => key.kid === oldKid)?.published).toBe(false);
    expect((await harness.keys.jwks({ refresh: true })).keys.map((key) => key.kid)).toEqual([body.kid]);
    await harness.app.request('/admin/signing-keys/rotate', { method: 'POST', headers: bearer(later.access_token) });
    const afterPrune = (await harness.keys.list()).map((key) => key.kid);
    expect(afterPrune).not.toContain(oldKid);
    expect(afterPrune).toContain(body.kid);
  });

  it('only super_admin may rotate', async () => {
    for (const role of ['user', 'financial_advisor', 'admin'] as const) {
      const who = await harness.signIn(role);
      const response = await harness.app.request('/admin/signing-keys/rotate', { method: 'POST', headers: bearer(who.accessToken) });
      expect((await expectProblemShape(response)).code).toBe('forbidden');
    }
  });
});
