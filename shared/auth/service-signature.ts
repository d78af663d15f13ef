import { bytesToHex, sha256Hex, toBytes } from '../encoding/hex.ts';

/** `v1=<hex HMAC-SHA256>` over the canonical request. */
export const SIGNATURE_HEADER = 'x-apfa-signature';
/** Unix seconds when the edge signed the request. */
export const TIMESTAMP_HEADER = 'x-apfa-timestamp';

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', toBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, toBytes(message))));
}

async function canonical(timestamp: number, method: string, path: string, body: string | Uint8Array): Promise<string> {
  return `${timestamp}\n${method.toUpperCase()}\n${path}\n${await sha256Hex(body)}`;
}

/**
 * Signs a request from the edge to core: HMAC-SHA256 over timestamp, method, path and the
 * body's SHA-256. Returns the headers to add.
 */
export async function signServiceRequest(options: {
  secret: string;
  method: string;
  path: string;
  body: string | Uint8Array;
  timestamp?: number;
}): Promise<Record<string, string>> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const mac = await hmacHex(options.secret, await canonical(timestamp, options.method, options.path, options.body));
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `v1=${mac}` };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Result of a signature check, with the reason for a refusal (for logs, not clients). */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies a service signature within ±toleranceSeconds of now. */
export async function verifyServiceSignature(options: {
  secret: string;
  headers: Headers;
  method: string;
  path: string;
  body: string | Uint8Array;
  now?: () => number;
  toleranceSeconds?: number;
}): Promise<SignatureCheck> {
  const timestampText = options.headers.get(TIMESTAMP_HEADER);
  const signature = options.headers.get(SIGNATURE_HEADER);
  if (!timestampText || !signature) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(timestampText)) return { ok: false, reason: 'malformed timestamp' };
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 60)) return { ok: false, reason: 'timestamp outside the allowed window' };
  if (!signature.startsWith('v1=')) return { ok: false, reason: 'unsupported signature version' };
  const expected = await hmacHex(options.secret, await canonical(timestamp, options.method, options.path, options.body));
  return constantTimeEqual(signature.slice(3), expected) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}
