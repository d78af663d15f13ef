import { describe, expect, it } from 'vitest';
import { createCachedTokenVerifier } from '../../edge/http/cached-token-verifier.ts';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../../shared/auth/access-token-verifier.ts';
import { AppError } from '../../shared/errors/app-error.ts';
import { createTestSigner } from '../support/edge-tokens.ts';

/** The real shared verifier on a movable clock, wrapped so the test sees each real verification. */
async function setup(options: { maxReuseMs: number }) {
  const signer = await createTestSigner();
  let clock = Date.now();
  const real = createAccessTokenVerifier({ keys: signer.jwks as never, now: () => clock });
  let verifications = 0;
  const counting: AccessTokenVerifier = {
    verify: (token) => {
      verifications += 1;
      return real.verify(token);
    },
  };
  const verifier = createCachedTokenVerifier({ verifier: counting, maxReuseMs: options.maxReuseMs, now: () => clock });
  return {
    signer,
    verifier,
    verifications: () => verifications,
    advance: (ms: number) => void (clock += ms),
  };
}

describe('per-isolate cache of verified access tokens', () => {
  it('verifies a token once and reuses it until its exp; past exp it is verified again and refused as expired', async () => {
    const { signer, verifier, verifications, advance } = await setup({ maxReuseMs: 300_000 });
    const token = await signer.mint({ sub: 'cached', expiresIn: 60 });
    const first = await verifier.verify(token);
    expect((await verifier.verify(token)).sub).toBe(first.sub);
    expect(verifications()).toBe(1);
    advance(59_000);
    await verifier.verify(token);
    expect(verifications()).toBe(1);
    advance(1_000 + 5_000 + 1_000); // past exp and the 5 s clock tolerance
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unauthorized', detail: 'The access token has expired.' });
    expect(verifications()).toBe(2);
  });

  it('reuses a verification at most maxReuseMs (the JWKS cache age), so a removed key stops verifying within the same bound', async () => {
    const { signer, verifier, verifications, advance } = await setup({ maxReuseMs: 10_000 });
    const token = await signer.mint({ sub: 'bounded', expiresIn: 600 });
    await verifier.verify(token);
    advance(9_000);
    await verifier.verify(token);
    expect(verifications()).toBe(1);
    advance(2_000);
    await verifier.verify(token);
    expect(verifications()).toBe(2);
  });

  it('never remembers a refusal: a tampered or foreign-audience token is verified and refused every time', async () => {
    const { signer, verifier, verifications } = await setup({ maxReuseMs: 300_000 });
    const foreign = await signer.mint({ audience: 'someone-else' });
    for (let index = 0; index < 2; index += 1) {
      const error = await verifier.verify(foreign).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).detail).toBe('The access token is for a different audience.');
    }
    expect(verifications()).toBe(2);
    await expect(verifier.verify('')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
