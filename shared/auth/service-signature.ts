import { bytesToHex, sha256Hex, toBytes } from '../encoding/hex.ts';

/** `v2=<hex HMAC-SHA256>` over the canonical request ({@link canonicalRequest}). */
export const SIGNATURE_HEADER = 'x-apfa-signature';
/** Unix seconds when the edge signed the request. */
export const TIMESTAMP_HEADER = 'x-apfa-timestamp';
/** 128 random bits as 32 lower-case hex characters, new for every request; core refuses one it has seen. */
export const NONCE_HEADER = 'x-apfa-nonce';

/** How far the signing time may be from the verifier's clock, either way, by default. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 30;

const VERSION = 'v2';
const NONCE = /^[0-9a-f]{32}$/;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', toBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, toBytes(message))));
}

/** What a signature covers. `path` includes the query string (`/v1/advice?x=1`). */
export interface SignedParts {
  method: string;
  path: string;
  body: string | Uint8Array;
  /** The request's Authorization header as sent; absent and empty are the same. */
  authorization?: string | null | undefined;
}

/**
 * The signed text: version, timestamp, nonce, method, path with query, SHA-256 of the body and
 * SHA-256 of the Authorization header, one per line. Binding the Authorization header means a
 * signature lifted from one caller's request cannot carry another caller's token.
 */
export async function canonicalRequest(parts: SignedParts, timestamp: number, nonce: string): Promise<string> {
  return [VERSION, timestamp, nonce, parts.method.toUpperCase(), parts.path, await sha256Hex(parts.body), await sha256Hex(parts.authorization ?? '')].join('\n');
}

/** 128 random bits as hex (WebCrypto). */
export function newNonce(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Signs a request from the edge to core (version 2): HMAC-SHA256 over method, path with query,
 * the body's SHA-256, the Authorization header's SHA-256, the time and a fresh nonce. Returns the
 * headers to add.
 */
export async function signServiceRequest(options: SignedParts & { secret: string; timestamp?: number; nonce?: string }): Promise<Record<string, string>> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = options.nonce ?? newNonce();
  const mac = await hmacHex(options.secret, await canonicalRequest(options, timestamp, nonce));
  return { [TIMESTAMP_HEADER]: String(timestamp), [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: `${VERSION}=${mac}` };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Result of a signature check, with the reason for a refusal (for logs, not clients). A valid
 * signature gives its nonce and time: the caller must still refuse a nonce it has seen within
 * the window (core/http/edge-signature.ts), which is what makes a captured request useless.
 */
export type SignatureCheck = { ok: true; nonce: string; timestamp: number } | { ok: false; reason: string };

/**
 * Verifies a version-2 service signature made within ±toleranceSeconds (default 30) of now. The
 * Authorization header is read from `headers`. Version 1 (no nonce, no query, no Authorization)
 * is refused.
 */
export async function verifyServiceSignature(options: {
  secret: string;
  headers: Headers;
  method: string;
  /** The path as received, with its query string. */
  path: string;
  body: string | Uint8Array;
  now?: () => number;
  toleranceSeconds?: number;
}): Promise<SignatureCheck> {
  const timestampText = options.headers.get(TIMESTAMP_HEADER);
  const signature = options.headers.get(SIGNATURE_HEADER);
  const nonce = options.headers.get(NONCE_HEADER);
  if (!timestampText || !signature) return { ok: false, reason: 'missing signature headers' };
  if (!signature.startsWith(`${VERSION}=`)) return { ok: false, reason: 'unsupported signature version' };
  if (!nonce) return { ok: false, reason: 'missing signature headers' };
  if (!NONCE.test(nonce)) return { ok: false, reason: 'malformed nonce' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed timestamp' };
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'timestamp outside the allowed window' };
  }
  const parts: SignedParts = { method: options.method, path: options.path, body: options.body, authorization: options.headers.get('authorization') };
  const expected = await hmacHex(options.secret, await canonicalRequest(parts, timestamp, nonce));
  return constantTimeEqual(signature.slice(VERSION.length + 1), expected) ? { ok: true, nonce, timestamp } : { ok: false, reason: 'signature mismatch' };
}
