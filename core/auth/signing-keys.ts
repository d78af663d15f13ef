import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SqlClient } from '../ports/sql-client.ts';

/** Algorithms APFA signs access tokens with (Ed25519 by default). */
export type SigningAlgorithm = 'EdDSA' | 'ES256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256'];

/** The key that signs new tokens. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey: CryptoKey;
}

/** A public key as published in the JWKS. */
export type PublicJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };

export interface JsonWebKeySet {
  keys: PublicJwk[];
}

export interface SigningKeyStore {
  /** The current private key; the first call on an empty table creates one. */
  current(): Promise<SigningKey>;
  /**
   * Public keys that verify tokens: the current key plus keys retired less than the overlap ago.
   * Cached per instance for `cacheSeconds` unless `refresh` is set.
   */
  jwks(options?: { refresh?: boolean }): Promise<JsonWebKeySet>;
  /**
   * Makes a new current key and retires the old one (still published during the overlap); keys
   * retired longer ago than the overlap are deleted, private halves included.
   */
  rotate(): Promise<{ kid: string }>;
  /** Every stored key without key material, current first: what an operator sees before and after rotating. */
  list(): Promise<SigningKeyInfo[]>;
  /** Deletes keys retired longer ago than the overlap; returns how many. */
  pruneRetired(): Promise<number>;
}

/** A stored key as shown to operators (no key material). */
export interface SigningKeyInfo {
  kid: string;
  algorithm: string;
  createdAt: Date;
  retiredAt: Date | null;
  /** True while tokens it signed still verify: the current key, or retired within the overlap. */
  published: boolean;
}

export interface SigningKeyStoreOptions {
  /** Algorithm for keys this store creates; existing keys keep theirs. */
  algorithm?: SigningAlgorithm;
  /** How long a retired key stays in the JWKS, so tokens it signed keep verifying. */
  overlapSeconds?: number;
  /** How long this instance reuses the current key and JWKS before reading the table again. */
  cacheSeconds?: number;
  now?: () => number;
}

type KeyRow = { kid: string; algorithm: string; private_jwk: JWK };
type PublicRow = { kid: string; algorithm: string; public_jwk: JWK };
type InfoRow = { kid: string; algorithm: string; created_at: Date; retired_at: Date | null };

// Per schema, like the migration lock, so schemas sharing a database do not contend.
const ROTATE_LOCK = `SELECT pg_advisory_xact_lock(hashtext('apfa:signing-keys:' || coalesce(current_schema(), '')))`;
const DELETE_EXPIRED = 'DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= $1 RETURNING kid';
const INSERT_KEY = `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk) VALUES ($1, $2, $3::jsonb, $4::jsonb)`;

const isSigningAlgorithm = (value: string): value is SigningAlgorithm => (SIGNING_ALGORITHMS as readonly string[]).includes(value);

interface GeneratedKey {
  kid: string;
  algorithm: SigningAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
}

async function generateKey(algorithm: SigningAlgorithm): Promise<GeneratedKey> {
  const pair = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const privateJwk = await exportJWK(pair.privateKey);
  // RFC 7638 thumbprint: a stable kid derived from the key itself.
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, algorithm, publicJwk, privateJwk };
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/** Copies only public key members, whatever else the stored JWK holds. */
function publicMembers(jwk: JWK): JWK {
  const copy: JWK = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) copy[member] = jwk[member];
  return copy;
}

const insertParams = (key: GeneratedKey) => [key.kid, key.algorithm, JSON.stringify(key.publicJwk), JSON.stringify(key.privateJwk)];

/**
 * Token-signing keys kept in `signing_keys`, so every core instance on one database signs with
 * the same key and publishes the same JWKS. Private keys never leave this module except as
 * CryptoKeys for signing.
 */
export function createSigningKeyStore(sql: Pick<SqlClient, 'query' | 'transaction'>, options: SigningKeyStoreOptions = {}): SigningKeyStore {
  const { algorithm = 'EdDSA', overlapSeconds = 24 * 3600, cacheSeconds = 60, now = Date.now } = options;
  if (!isSigningAlgorithm(algorithm)) throw new Error(`Unsupported signing algorithm ${String(algorithm)}; use one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (!(overlapSeconds >= 0) || !(cacheSeconds >= 0)) throw new Error('overlapSeconds and cacheSeconds must be non-negative');

  let currentCache: { key: SigningKey; at: number } | undefined;
  let currentLoading: Promise<SigningKey> | undefined;
  let jwksCache: { set: JsonWebKeySet; at: number } | undefined;
  const fresh = (at: number) => now() - at < cacheSeconds * 1000;
  const invalidate = () => {
    currentCache = undefined;
    jwksCache = undefined;
  };

  const readCurrent = async (): Promise<KeyRow | undefined> => {
    const { rows } = await sql.query<KeyRow>('SELECT kid, algorithm, private_jwk FROM signing_keys WHERE retired_at IS NULL');
    return rows[0];
  };

  const loadCurrent = async (): Promise<SigningKey> => {
    let row = await readCurrent();
    if (!row) {
      // Instances starting together may all get here; the partial unique index lets one insert win.
      await sql.query(`${INSERT_KEY} ON CONFLICT DO NOTHING`, insertParams(await generateKey(algorithm)));
      jwksCache = undefined;
      row = await readCurrent();
      if (!row) throw new Error('No current signing key after creating one');
    }
    if (!isSigningAlgorithm(row.algorithm)) throw new Error(`Signing key ${row.kid} has an unsupported algorithm`);
    const privateKey = await importJWK(row.private_jwk, row.algorithm);
    if (privateKey instanceof Uint8Array) throw new Error(`Signing key ${row.kid} is not an asymmetric key`);
    return { kid: row.kid, algorithm: row.algorithm, privateKey };
  };

  return {
    async current() {
      if (currentCache && fresh(currentCache.at)) return currentCache.key;
      currentLoading ??= loadCurrent().finally(() => {
        currentLoading = undefined;
      });
      const key = await currentLoading;
      currentCache = { key, at: now() };
      return key;
    },

    async jwks(request = {}) {
      if (!request.refresh && jwksCache && fresh(jwksCache.at)) return jwksCache.set;
      const cutoff = new Date(now() - overlapSeconds * 1000);
      const { rows } = await sql.query<PublicRow>(
        `SELECT kid, algorithm, public_jwk FROM signing_keys
         WHERE retired_at IS NULL OR retired_at > $1 ORDER BY retired_at DESC NULLS FIRST, created_at DESC`,
        [cutoff],
      );
      const keys: PublicJwk[] = [];
      for (const row of rows) {
        if (isSigningAlgorithm(row.algorithm)) keys.push({ ...publicMembers(row.public_jwk), kid: row.kid, alg: row.algorithm, use: 'sig' });
      }
      const set: JsonWebKeySet = { keys };
      jwksCache = { set, at: now() };
      return set;
    },

    async rotate() {
      const key = await generateKey(algorithm);
      await sql.transaction(async (tx) => {
        await tx.query(ROTATE_LOCK);
        await tx.query('UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL', [new Date(now())]);
        await tx.query(INSERT_KEY, insertParams(key));
        await tx.query(DELETE_EXPIRED, [new Date(now() - overlapSeconds * 1000)]);
      });
      invalidate();
      return { kid: key.kid };
    },

    async list() {
      const cutoff = now() - overlapSeconds * 1000;
      const { rows } = await sql.query<InfoRow>(
        'SELECT kid, algorithm, created_at, retired_at FROM signing_keys ORDER BY retired_at DESC NULLS FIRST, created_at DESC',
      );
      return rows.map((row) => ({
        kid: row.kid,
        algorithm: row.algorithm,
        createdAt: row.created_at,
        retiredAt: row.retired_at,
        published: row.retired_at === null || row.retired_at.getTime() > cutoff,
      }));
    },

    async pruneRetired() {
      const { rows } = await sql.query(DELETE_EXPIRED, [new Date(now() - overlapSeconds * 1000)]);
      if (rows.length > 0) jwksCache = undefined;
      return rows.length;
    },
  };
}
