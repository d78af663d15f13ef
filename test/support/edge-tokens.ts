import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from '../../shared/contracts/auth.ts';

/** An Ed25519 signing key like core's, with its public JWKS and a token minter for edge tests. */
export interface TestSigner {
  jwks: { keys: JWK[] };
  kid: string;
  mint(options?: MintOptions): Promise<string>;
}

export interface MintOptions {
  sub?: string;
  role?: AccessClaims['role'];
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

export async function createTestSigner(kid = `edge-test-${Math.random().toString(36).slice(2, 8)}`): Promise<TestSigner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    kid,
    async mint(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ role: options.role ?? 'user', username: options.sub ?? 'tester' })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? TOKEN_ISSUER)
        .setAudience(options.audience ?? TOKEN_AUDIENCE)
        .setSubject(options.sub ?? `user-${Math.random().toString(36).slice(2, 10)}`)
        .setIssuedAt(now - 5)
        .setJti(crypto.randomUUID())
        .setExpirationTime(now + (options.expiresIn ?? 600))
        .sign(privateKey);
    },
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned `alg: none` token with otherwise valid claims. */
export function unsignedToken(sub = 'attacker'): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub, role: 'admin', iat: now, exp: now + 600 })}.`;
}

/** The same token with its payload swapped for one claiming another role (signature left as is). */
export function tamperedToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${base64url({ ...claims, role: 'super_admin' })}.${signature}`;
}
