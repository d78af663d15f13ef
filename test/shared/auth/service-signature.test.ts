import { describe, expect, it } from 'vitest';
import { signServiceRequest, verifyServiceSignature } from '../../../shared/auth/service-signature.ts';
import { sha256Hex } from '../../../shared/encoding/hex.ts';

const secret = 'edge-to-core-secret-for-tests';
const timestamp = 1_700_000_000;
const body = JSON.stringify({ query: 'What is APR?' });
const at = (seconds: number) => () => seconds * 1000;

const nonce = '0123456789abcdef0123456789abcdef';
const authorization = 'Bearer token-of-alice';

async function signed(overrides: Partial<Parameters<typeof signServiceRequest>[0]> = {}): Promise<Headers> {
  const headers = new Headers(await signServiceRequest({ secret, method: 'post', path: '/v1/advice', body, timestamp, nonce, authorization, ...overrides }));
  headers.set('authorization', authorization);
  return headers;
}
const ok = { ok: true, nonce, timestamp };

describe('service signature', () => {
  it('signs HMAC-SHA256 (v2) over version, timestamp, nonce, method, path with query, body hash and Authorization hash', async () => {
    const headers = await signed({ path: '/v1/advice?x=1' });
    expect(headers.get('x-apfa-timestamp')).toBe(String(timestamp));
    expect(headers.get('x-apfa-nonce')).toBe(nonce);
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const message = `v2\n${timestamp}\n${nonce}\nPOST\n/v1/advice?x=1\n${await sha256Hex(body)}\n${await sha256Hex(authorization)}`;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
    expect(headers.get('x-apfa-signature')).toBe(`v2=${[...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`);
  });

  it('draws a fresh 128-bit nonce for every signature', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) nonces.add((await signServiceRequest({ secret, method: 'POST', path: '/v1/advice', body }))['x-apfa-nonce']!);
    expect(nonces.size).toBe(50);
    for (const value of nonces) expect(value).toMatch(/^[0-9a-f]{32}$/);
  });

  it('defaults the timestamp to now in seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = await signServiceRequest({ secret, method: 'GET', path: '/ready', body: '' });
    expect(Number(headers['x-apfa-timestamp'])).toBeGreaterThanOrEqual(before);
  });

  it('accepts a valid signature, for string and byte bodies alike', async () => {
    const headers = await signed();
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp + 30) })).toEqual(ok);
    const bytes = new TextEncoder().encode(body);
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body: bytes, now: at(timestamp) })).toEqual(ok);
  });

  it.each([
    ['tampered body', { body: body.replace('APR', 'PMI') }],
    ['wrong path', { path: '/v1/admin/jobs' }],
    ['query string appended', { path: '/v1/advice?debug=1' }],
    ['wrong method', { method: 'PUT' }],
    ['wrong secret', { secret: 'another-secret' }],
  ])('refuses a %s', async (_name, change) => {
    const headers = await signed();
    const check = await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp), ...change });
    expect(check).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it.each([
    ['another Authorization header', 'Bearer token-of-mallory'],
    ['no Authorization header', null],
  ])('refuses the signature with %s', async (_name, value) => {
    const headers = await signed();
    if (value === null) headers.delete('authorization');
    else headers.set('authorization', value);
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp) })).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('refuses a changed nonce', async () => {
    const headers = await signed();
    headers.set('x-apfa-nonce', 'f'.repeat(32));
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp) })).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it.each([
    ['29 s old', 29, true],
    ['30 s old (the edge of the window)', 30, true],
    ['30 s in the future', -30, true],
    ['31 s old', 31, false],
    ['31 s in the future', -31, false],
    ['59 s old', 59, false],
    ['an hour old', 3600, false],
  ])('a signature %s: accepted = %s', async (_name, age, accepted) => {
    const headers = await signed();
    const check = await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp + age) });
    expect(check).toEqual(accepted ? ok : { ok: false, reason: 'timestamp outside the allowed window' });
  });

  it('honours a wider tolerance when given one', async () => {
    const headers = await signed();
    const options = { secret, headers, method: 'POST', path: '/v1/advice', body, toleranceSeconds: 120 };
    expect(await verifyServiceSignature({ ...options, now: at(timestamp + 100) })).toEqual(ok);
    expect(await verifyServiceSignature({ ...options, now: at(timestamp + 121) })).toMatchObject({ ok: false });
  });

  it('uses the clock when no now() is given', async () => {
    const headers = new Headers(await signServiceRequest({ secret, method: 'POST', path: '/v1/advice', body }));
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body })).toMatchObject({ ok: true });
    const stale = await signed({ timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(await verifyServiceSignature({ secret, headers: stale, method: 'POST', path: '/v1/advice', body })).toMatchObject({ ok: false });
  });

  it('refuses a replayed signature with a changed timestamp', async () => {
    const headers = await signed();
    headers.set('x-apfa-timestamp', String(timestamp + 1));
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp) })).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it.each([
    ['no headers', new Headers(), 'missing signature headers'],
    ['no signature', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-nonce': nonce }), 'missing signature headers'],
    ['no timestamp', new Headers({ 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': nonce }), 'missing signature headers'],
    ['no nonce', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-signature': 'v2=00' }), 'missing signature headers'],
    ['malformed nonce', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': 'short' }), 'malformed nonce'],
    ['malformed timestamp', new Headers({ 'x-apfa-timestamp': '1e9', 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': nonce }), 'malformed timestamp'],
    ['negative timestamp', new Headers({ 'x-apfa-timestamp': '-1700000000', 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': nonce }), 'malformed timestamp'],
    ['fractional timestamp', new Headers({ 'x-apfa-timestamp': '1700000000.5', 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': nonce }), 'malformed timestamp'],
    ['non-numeric timestamp', new Headers({ 'x-apfa-timestamp': 'yesterday', 'x-apfa-signature': 'v2=00', 'x-apfa-nonce': nonce }), 'malformed timestamp'],
    ['version 1', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-signature': 'v1=00' }), 'unsupported signature version'],
    ['unknown version', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-signature': 'v3=00', 'x-apfa-nonce': nonce }), 'unsupported signature version'],
  ])('refuses %s', async (_name, headers, reason) => {
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp) })).toEqual({ ok: false, reason });
  });
});
