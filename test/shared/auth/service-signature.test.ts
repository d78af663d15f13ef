import { describe, expect, it } from 'vitest';
import { signServiceRequest, verifyServiceSignature } from '../../../shared/auth/service-signature.ts';
import { sha256Hex } from '../../../shared/encoding/hex.ts';

const secret = 'edge-to-core-secret-for-tests';
const timestamp = 1_700_000_000;
const body = JSON.stringify({ query: 'What is APR?' });
const at = (seconds: number) => () => seconds * 1000;

async function signed(overrides: Partial<Parameters<typeof signServiceRequest>[0]> = {}): Promise<Headers> {
  return new Headers(await signServiceRequest({ secret, method: 'post', path: '/v1/advice', body, timestamp, ...overrides }));
}

describe('service signature', () => {
  it('signs HMAC-SHA256 over timestamp, method, path and body hash', async () => {
    const headers = await signed();
    expect(headers.get('x-apfa-timestamp')).toBe(String(timestamp));
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const message = `${timestamp}\nPOST\n/v1/advice\n${await sha256Hex(body)}`;
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
    expect(headers.get('x-apfa-signature')).toBe(`v1=${[...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`);
  });

  it('defaults the timestamp to now in seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const headers = await signServiceRequest({ secret, method: 'GET', path: '/ready', body: '' });
    expect(Number(headers['x-apfa-timestamp'])).toBeGreaterThanOrEqual(before);
  });

  it('accepts a valid signature, for string and byte bodies alike', async () => {
    const headers = await signed();
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp + 30) })).toEqual({ ok: true });
    const bytes = new TextEncoder().encode(body);
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body: bytes, now: at(timestamp) })).toEqual({ ok: true });
  });

  it.each([
    ['tampered body', { body: body.replace('APR', 'PMI') }],
    ['wrong path', { path: '/v1/admin/jobs' }],
    ['wrong method', { method: 'PUT' }],
    ['wrong secret', { secret: 'another-secret' }],
  ])('refuses a %s', async (_name, change) => {
    const headers = await signed();
    const check = await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp), ...change });
    expect(check).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it.each([
    ['59 s old', 59, true],
    ['59 s in the future', -59, true],
    ['60 s old (the edge of the window)', 60, true],
    ['61 s old', 61, false],
    ['61 s in the future', -61, false],
    ['an hour old', 3600, false],
  ])('a signature %s: accepted = %s', async (_name, age, accepted) => {
    const headers = await signed();
    const check = await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp + age) });
    expect(check).toEqual(accepted ? { ok: true } : { ok: false, reason: 'timestamp outside the allowed window' });
  });

  it('honours a wider tolerance when given one', async () => {
    const headers = await signed();
    const options = { secret, headers, method: 'POST', path: '/v1/advice', body, toleranceSeconds: 120 };
    expect(await verifyServiceSignature({ ...options, now: at(timestamp + 100) })).toEqual({ ok: true });
    expect(await verifyServiceSignature({ ...options, now: at(timestamp + 121) })).toMatchObject({ ok: false });
  });

  it('uses the clock when no now() is given', async () => {
    const headers = new Headers(await signServiceRequest({ secret, method: 'POST', path: '/v1/advice', body }));
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body })).toEqual({ ok: true });
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
    ['no signature', new Headers({ 'x-apfa-timestamp': String(timestamp) }), 'missing signature headers'],
    ['no timestamp', new Headers({ 'x-apfa-signature': 'v1=00' }), 'missing signature headers'],
    ['malformed timestamp', new Headers({ 'x-apfa-timestamp': '1e9', 'x-apfa-signature': 'v1=00' }), 'malformed timestamp'],
    ['negative timestamp', new Headers({ 'x-apfa-timestamp': '-1700000000', 'x-apfa-signature': 'v1=00' }), 'malformed timestamp'],
    ['fractional timestamp', new Headers({ 'x-apfa-timestamp': '1700000000.5', 'x-apfa-signature': 'v1=00' }), 'malformed timestamp'],
    ['non-numeric timestamp', new Headers({ 'x-apfa-timestamp': 'yesterday', 'x-apfa-signature': 'v1=00' }), 'malformed timestamp'],
    ['unknown version', new Headers({ 'x-apfa-timestamp': String(timestamp), 'x-apfa-signature': 'v2=00' }), 'unsupported signature version'],
  ])('refuses %s', async (_name, headers, reason) => {
    expect(await verifyServiceSignature({ secret, headers, method: 'POST', path: '/v1/advice', body, now: at(timestamp) })).toEqual({ ok: false, reason });
  });
});
