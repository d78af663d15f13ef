import type { Context } from 'hono';

/**
 * What an entry adds to the bindings it passes to `app.fetch` for each request: the caller's
 * network address as its platform knows it. The Worker entry (edge/worker.ts) reads
 * `CF-Connecting-IP`, which Cloudflare sets and overwrites on every request it forwards; the
 * Deno entry (edge/deno.ts) passes the socket peer. Never from `X-Forwarded-For` or any other
 * header a client controls.
 */
export interface ClientAddressBindings {
  clientAddress?: string | null | undefined;
}

/** The longest address kept (an IPv6 address with a zone fits well inside). */
const MAX_ADDRESS_LENGTH = 64;

/**
 * The caller's address for per-IP limits, from the bindings its entry passed; null when the
 * entry gave none (then the caller is refused, never put in one bucket shared by everyone).
 */
export function clientAddress(c: Context): string | null {
  const bindings = c.env as ClientAddressBindings | undefined;
  const address = typeof bindings?.clientAddress === 'string' ? bindings.clientAddress.trim() : '';
  return address !== '' && address.length <= MAX_ADDRESS_LENGTH ? address : null;
}
