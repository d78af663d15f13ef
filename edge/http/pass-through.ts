import type { CoreOutcome } from '../core/core-client.ts';

/** Response fields of core that reach the client unchanged. */
const FORWARDED_HEADERS = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after'] as const;

/** Relays core's answer as is: status, body and the few headers that carry meaning for clients. */
export function passThrough(outcome: Extract<CoreOutcome, { kind: 'response' }>): Response {
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = outcome.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(outcome.body, { status: outcome.status, headers });
}
